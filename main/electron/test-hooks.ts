import type { NativeImagePort } from './electron-ports';
import type { Shell } from './main';
import type { TrayAction, TrayMenuItem } from './tray-menu';

/**
 * What Playwright's `_electron` tests reach in the main process (`electronApp.evaluate`): the
 * tray cannot be clicked by a test, so they read its model and dispatch its actions here.
 * Installed only when unpackaged and RINGSIDE_TEST_HOOKS=1 (electron-main.ts).
 */
export interface RingsideTestHooks {
  trayMenu(): readonly TrayMenuItem[];
  clickTray(action: TrayAction): Promise<void>;
  /** The pop-ups the OS reported shown, oldest first. */
  popups(): ReadonlyArray<{ itemId: string; title: string; body: string }>;
  /** Clicks a shown pop-up as the person would (the OS pop-up itself is out of reach). */
  clickPopup(itemId: string): void;
  /** What the tray's "Settings…" does. */
  openSettings(): void;
}

declare global {
  var ringsideTestHooks: RingsideTestHooks | undefined;
}

export function installTestHooks<BuiltMenu, Image extends NativeImagePort>(
  shell: Shell<BuiltMenu, Image>,
): void {
  globalThis.ringsideTestHooks = {
    trayMenu: () => shell.tray.model,
    clickTray: async (action) => {
      shell.tray.dispatch(action);
      await shell.tray.idle();
    },
    popups: () => shell.notifier.shown,
    clickPopup: (itemId) => shell.notifier.reportClick(itemId),
    openSettings: () => {
      shell.settingsWindow.show();
    },
  };
}
