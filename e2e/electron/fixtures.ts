import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, test as base, expect, type ElectronApplication } from '@playwright/test';
import type { RingsideTestHooks } from '../../main/electron/test-hooks';
import type { TrayAction, TrayMenuItem } from '../../main/electron/tray-menu';
import { startService, type RunningService } from '../../service/index';

/**
 * Fixtures for Playwright `_electron` tests of the real shell (Signal's test-mock style): a fresh
 * profile folder (RINGSIDE_USER_DATA), the REAL stand-in service on 127.0.0.1:0 with the demo
 * business, and the built app (dist/main/electron-main.cjs) launched signed in as Jordan, with
 * the test hooks on. Where no Electron binary exists every test is skipped with the reason
 * "Electron binary not available: <path>", which `npm run test:electron-e2e` lists by name.
 */

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where the Electron binary would be, without `require('electron')` (which tries to download
 * it): ELECTRON_BINARY, else node_modules/electron/path.txt, else the usual Linux name.
 */
export function electronBinary(): { path: string; available: boolean } {
  const fromEnvironment = process.env['ELECTRON_BINARY'];
  if (fromEnvironment) return { path: fromEnvironment, available: existsSync(fromEnvironment) };
  const packageFolder = path.join(projectRoot, 'node_modules/electron');
  const pathFile = path.join(packageFolder, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const binary = path.join(packageFolder, 'dist', relative);
  return { path: binary, available: existsSync(binary) };
}

export const binary = electronBinary();
export const notAvailableReason = `Electron binary not available: ${binary.path}`;

/** What the shell is launched with: its own profile folder, signed in to `service` as Jordan. */
export function shellEnvironment(
  userData: string,
  service: RunningService,
): Record<string, string | undefined> {
  return {
    ...process.env,
    RINGSIDE_USER_DATA: userData,
    RINGSIDE_SERVICE_URL: service.url,
    RINGSIDE_TOKEN: service.tokens['jordan'] ?? 'demo-token-jordan',
  };
}

export interface ElectronFixtures {
  userData: string;
  service: RunningService;
  app: ElectronApplication;
  hooks: HooksClient;
}

/** The main-process test hooks (main/electron/test-hooks.ts), reached with `evaluate`. */
export class HooksClient {
  constructor(private readonly app: ElectronApplication) {}

  async ready(): Promise<void> {
    await expect
      .poll(() => this.app.evaluate(() => globalThis.ringsideTestHooks !== undefined), {
        timeout: 30_000,
      })
      .toBe(true);
  }

  trayMenu(): Promise<TrayMenuItem[]> {
    return this.app.evaluate(() => [
      ...(globalThis.ringsideTestHooks as RingsideTestHooks).trayMenu(),
    ]);
  }

  clickTray(action: TrayAction): Promise<void> {
    return this.app.evaluate(
      (_electron, clicked) =>
        (globalThis.ringsideTestHooks as RingsideTestHooks).clickTray(clicked),
      action,
    );
  }

  popups(): Promise<Array<{ itemId: string; title: string; body: string }>> {
    return this.app.evaluate(() => [
      ...(globalThis.ringsideTestHooks as RingsideTestHooks).popups(),
    ]);
  }

  clickPopup(itemId: string): Promise<void> {
    return this.app.evaluate(
      (_electron, id) => (globalThis.ringsideTestHooks as RingsideTestHooks).clickPopup(id),
      itemId,
    );
  }

  openSettings(): Promise<void> {
    return this.app.evaluate(() =>
      (globalThis.ringsideTestHooks as RingsideTestHooks).openSettings(),
    );
  }
}

export const test = base.extend<ElectronFixtures>({
  // eslint-disable-next-line no-empty-pattern
  userData: async ({}, use) => {
    const folder = mkdtempSync(path.join(tmpdir(), 'ringside-electron-e2e-'));
    await use(folder);
    rmSync(folder, { recursive: true, force: true });
  },
  service: async ({ userData }, use) => {
    const service = await startService({
      host: '127.0.0.1',
      port: 0,
      databasePath: path.join(userData, 'service.sqlite'),
      seed: 'demo',
    });
    await use(service);
    await service.close();
  },
  app: async ({ userData, service }, use) => {
    const app = await _electron.launch({
      executablePath: binary.path,
      args: [projectRoot],
      cwd: projectRoot,
      env: { ...shellEnvironment(userData, service), RINGSIDE_TEST_HOOKS: '1' },
    });
    await use(app);
    await app.close();
  },
  hooks: async ({ app }, use) => {
    const hooks = new HooksClient(app);
    await hooks.ready();
    await use(hooks);
  },
});

export { expect };

/** Finds a menu item by its path of labels (a prefix is enough for the last one). */
export function findItem(items: readonly TrayMenuItem[], labels: readonly string[]) {
  let level: readonly TrayMenuItem[] | undefined = items;
  let found: TrayMenuItem | undefined;
  for (const label of labels) {
    found = level?.find((item) => item.label.startsWith(label));
    level = found?.submenu;
  }
  return found;
}
