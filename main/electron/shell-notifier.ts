import { chooseNotifier, DbusNotifier, type NotifierKind } from '../core/delivery';
import { Listeners, passThroughNotifier } from '../core/notifier-helpers';
import type { Clock, Logger, NotifierPort, PopupContent, PopupResult } from '../core/ports';
import type { NotificationConstructorPort } from './electron-ports';
import { ElectronNotifier } from './notifier';

/**
 * The shell's notifier: the one `chooseNotifier` picks for this platform (the D-Bus adapter on
 * Linux with a session bus, Electron's `Notification` elsewhere), plus what the test hooks
 * read (the last pop-ups shown) and play (a click), whichever it is.
 */
export interface ShellNotifier extends NotifierPort {
  readonly kind: NotifierKind;
  /** The last pop-ups shown, oldest first (at most 100). */
  readonly shown: readonly PopupContent[];
  /** What a click on the pop-up for `itemId` does (test hooks: the OS pop-up is out of reach). */
  reportClick(itemId: string): void;
  /** Leaves the session bus (the D-Bus adapter); nothing for Electron's. */
  dispose(): void;
}

export function createShellNotifier(options: {
  platform: NodeJS.Platform;
  /** `sessionBusAddress(process.env)`, or null when there is none. */
  sessionBusAddress: string | null;
  Notification: NotificationConstructorPort;
  clock: Clock;
  logger: Logger;
}): ShellNotifier {
  const choice = chooseNotifier({
    platform: options.platform,
    shell: 'electron',
    sessionBusAddress: options.sessionBusAddress,
  });
  options.logger.info('Notifier', { ...choice });
  const inner =
    choice.kind === 'dbus'
      ? new DbusNotifier({
          busAddress: options.sessionBusAddress,
          appName: 'Ringside',
          desktopEntry: 'ringside',
          logger: options.logger,
        })
      : new ElectronNotifier({
          Notification: options.Notification,
          clock: options.clock,
          platform: options.platform,
        });
  const clicks = new Listeners<string>();
  inner.onClick((itemId) => clicks.emit(itemId));
  let shown: PopupContent[] = [];
  const record = (content: PopupContent) => (result: PopupResult) => {
    if (result.shown) shown = [...shown.slice(-99), content];
    return result;
  };
  return {
    ...passThroughNotifier(inner, {
      show: (content) => inner.show(content).then(record(content)),
      replace: (handle, content) => inner.replace(handle, content).then(record(content)),
    }),
    onClick: (listener) => clicks.add(listener),
    kind: choice.kind,
    get shown() {
      return shown;
    },
    reportClick: (itemId) => clicks.emit(itemId),
    dispose: () => {
      if (inner instanceof DbusNotifier) inner.dispose();
    },
  };
}
