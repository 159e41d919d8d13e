import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import { createAppProtocolHandler } from '../../main/electron/app-protocol';
import { contentSecurityPolicy } from '../../main/electron/session-security';
import { bridgePage } from './bridge';
import { expect, test } from './fixtures';

/**
 * Issue 16: "the settings page's CSP lets any local file run as script". On file://, `'self'`
 * matched every file on the disk. The shell now serves the page from app://ringside/ through its
 * own handler (main/electron/app-protocol.ts), so `'self'` is that origin and the handler's
 * files. Electron cannot run here, so real Chromium loads the built page from a stand-in origin
 * (http://127.0.0.1:<port>) whose every response comes from that same handler, with the exact
 * CSP header the shell sends; the page then tries scripts from elsewhere.
 *
 * The control is the old arrangement: the same built page opened from file://, under the same
 * policy (its meta tag), runs a script from another local path. That proves the injection below
 * works, and that what refuses it on the stand-in is the new arrangement.
 */

const rendererFolder = resolve('dist/renderer');
const scriptBody =
  'globalThis.foreignScriptsRan = (globalThis.foreignScriptsRan || []).concat(document.currentScript.src);\n';

let folder: string;
let localScript: string;
let bundleServer: Server;
let otherServer: Server;
let bundleOrigin: string;
let otherOrigin: string;

function listen(server: Server): Promise<string> {
  return new Promise((resolveOrigin) => {
    server.listen(0, '127.0.0.1', () => {
      resolveOrigin(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolveClose) => server.close(() => resolveClose()));
}

test.beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'ringside-csp-'));
  // "Another local path": a script anywhere on the disk but the bundle.
  writeFileSync(join(folder, 'foreign.js'), scriptBody);
  localScript = pathToFileURL(join(folder, 'foreign.js')).href;
  const handler = createAppProtocolHandler({ rendererFolder, contentSecurityPolicy });
  // The stand-in for app://ringside: every answer is the shell's handler's, headers and all.
  bundleServer = createServer((request, response) => {
    void handler({ url: `app://ringside${request.url ?? '/'}`, method: request.method ?? 'GET' })
      .then(async (answer) => {
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(Buffer.from(await answer.arrayBuffer()));
      })
      .catch(() => response.writeHead(500).end());
  });
  otherServer = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(scriptBody);
  });
  bundleOrigin = await listen(bundleServer);
  otherOrigin = await listen(otherServer);
});

test.afterAll(async () => {
  await close(bundleServer);
  await close(otherServer);
  rmSync(folder, { recursive: true, force: true });
});

/** Collects every CSP violation of the page from its first script on. */
async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const scope = globalThis as unknown as {
      violations: Array<{ blockedURI: string; directive: string }>;
      document: {
        addEventListener(
          type: 'securitypolicyviolation',
          listener: (event: { blockedURI: string; effectiveDirective: string }) => void,
        ): void;
      };
    };
    scope.violations = [];
    scope.document.addEventListener('securitypolicyviolation', (event) => {
      scope.violations.push({ blockedURI: event.blockedURI, directive: event.effectiveDirective });
    });
  });
}

/** Adds `<script src>` to the page: whether it loaded, and which foreign scripts have run. */
function injectScript(page: Page, source: string) {
  return page.evaluate((src) => {
    const scope = globalThis as unknown as {
      foreignScriptsRan?: string[];
      violations: Array<{ blockedURI: string; directive: string }>;
      document: {
        createElement(tag: 'script'): {
          src: string;
          onload: (() => void) | null;
          onerror: (() => void) | null;
        };
        head: { append(node: unknown): void };
      };
    };
    return new Promise<{ loaded: boolean; ran: string[]; violations: typeof scope.violations }>(
      (settle) => {
        const script = scope.document.createElement('script');
        const done = (loaded: boolean) =>
          settle({
            loaded,
            ran: scope.foreignScriptsRan ?? [],
            violations: [...scope.violations],
          });
        script.onload = () => done(true);
        script.onerror = () => done(false);
        script.src = src;
        scope.document.head.append(script);
      },
    );
  }, source);
}

test.describe('the settings window’s Content-Security-Policy, in Chromium', () => {
  test('control: opened from file:// (the old way), the same policy lets another local file run', async ({
    page,
  }) => {
    await recordViolations(page);
    await page.goto(pathToFileURL(join(rendererFolder, 'index.html')).href);
    const result = await injectScript(page, localScript);
    expect(result).toMatchObject({ loaded: true, ran: [localScript] });
  });

  test('served as app://ringside is (stand-in origin): the bundle runs; file:// and other-origin scripts do not', async ({
    page,
    companion,
    log,
  }) => {
    const bridge = await bridgePage(page, companion, log);
    await recordViolations(page);
    const response = await page.goto(`${bundleOrigin}/index.html`);
    // The exact header the shell sends, from its one source.
    expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy);
    // The bundle's own script ran (it rendered the window) and loaded nothing the policy
    // refused. The one report it causes is zod's probe for `new Function` (caught by zod, which
    // then validates without it): eval stays blocked, as it should.
    await expect(
      page.getByRole('heading', { level: 1, name: 'Notification settings' }),
    ).toBeVisible();
    const ownViolations = await page.evaluate(
      () => (globalThis as unknown as { violations: Array<{ blockedURI: string }> }).violations,
    );
    expect(ownViolations.filter((violation) => violation.blockedURI !== 'eval')).toEqual([]);

    // A script from another local path: refused, never run. (Chromium refuses file:// to a
    // web origin before the policy is asked, as it does to app://: no violation is reported.)
    const fromDisk = await injectScript(page, localScript);
    expect(fromDisk).toMatchObject({ loaded: false, ran: [] });

    // A script from another origin on this machine: refused by the policy (script-src 'self').
    const fromOtherOrigin = await injectScript(page, `${otherOrigin}/foreign.js`);
    expect(fromOtherOrigin.loaded).toBe(false);
    expect(fromOtherOrigin.ran).toEqual([]);
    expect(fromOtherOrigin.violations).toContainEqual({
      blockedURI: `${otherOrigin}/foreign.js`,
      directive: 'script-src-elem',
    });

    // And 'self' is only the bundle: a path that leaves it is answered 404 by the handler.
    const outside = await injectScript(page, `${bundleOrigin}/%2e%2e/%2e%2e/foreign.js`);
    expect(outside).toMatchObject({ loaded: false, ran: [] });
    const traversal = await page.request.get(`${bundleOrigin}/..%2f..%2fpackage.json`);
    expect(traversal.status()).toBe(404);
    bridge.dispose();
  });
});
