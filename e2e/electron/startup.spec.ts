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
    // Served by the app:// handler, never from file:// (issue 16): 'self' is this origin only.
    expect(page.url()).toBe('app://ringside/index.html');
    const blocked = await page.evaluate(() => {
      // The e2e project has no DOM typings: the few calls made here, typed by hand.
      const scope = globalThis as unknown as {
        location: { origin: string };
        document: {
          addEventListener(
            type: 'securitypolicyviolation',
            listener: (event: { blockedURI: string }) => void,
          ): void;
          createElement(tag: 'script'): { src: string };
          head: { append(node: unknown): void };
        };
      };
      return new Promise<{ origin: string; blockedURI: string }>((resolve) => {
        scope.document.addEventListener('securitypolicyviolation', (event) =>
          resolve({ origin: scope.location.origin, blockedURI: event.blockedURI }),
        );
        const script = scope.document.createElement('script');
        script.src = 'file:///etc/hostname';
        scope.document.head.append(script);
      });
    });
    expect(blocked.origin).toBe('app://ringside');
    expect(blocked.blockedURI).toMatch(/^file/);
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
