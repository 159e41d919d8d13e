import type { RendererApi } from '../../common';
import { spawn } from 'node:child_process';
import {
  binary,
  expect,
  notAvailableReason,
  projectRoot,
  shellEnvironment,
  test,
} from './fixtures';

test.skip(!binary.available, notAvailableReason);

test.describe('start-up', () => {
  test('starts in the tray, connects, and opens a sandboxed settings window', async ({
    app,
    hooks,
  }) => {
    // No window at start: the companion lives in the tray.
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(0);
    await expect.poll(async () => (await hooks.trayMenu())[0]?.label).toBe('Connected');

    await hooks.openSettings();
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    expect(page.url()).toMatch(/^file:.*\/dist\/renderer\/index\.html/);
    // The bridge is there with named methods; Node is not (context isolation, no integration).
    const seen = await page.evaluate(() => {
      const scope = globalThis as unknown as { api?: Record<string, unknown> };
      return {
        api: typeof scope.api?.['getSession'],
        send: typeof scope.api?.['send'],
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
      };
    });
    expect(seen).toEqual({
      api: 'function',
      send: 'undefined',
      require: 'undefined',
      process: 'undefined',
    });
    const session = await page.evaluate(() =>
      (globalThis as unknown as { api: RendererApi }).api.getSession(),
    );
    expect(session).toMatchObject({
      ok: true,
      value: { profile: { user: { id: 'user-jordan' } } },
    });
  });

  test('a second launch exits at once and shows the first one’s window', async ({
    app,
    hooks,
    userData,
    service,
  }) => {
    await expect.poll(async () => (await hooks.trayMenu())[0]?.label).toBe('Connected');
    const opened = app.waitForEvent('window');
    const second = spawn(binary.path, [projectRoot], {
      cwd: projectRoot,
      env: shellEnvironment(userData, service),
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(0);
    await opened;
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });
});
