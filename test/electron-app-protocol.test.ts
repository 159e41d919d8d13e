import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appIndexUrl,
  appSchemePrivileges,
  createAppProtocolHandler,
  registerAppScheme,
  requestedSegments,
} from '../main/electron/app-protocol';
import { contentSecurityPolicy } from '../main/electron/session-security';
import { privilegedSchemes, protocol, resetFakeElectron } from './fakes/electron';

/**
 * Issue 16: the settings window is served from app://ringside/ by a handler that answers with
 * the files of the built renderer folder and nothing else, each with the window's CSP. The
 * requests go through the fake `protocol` as Chromium sends them (a fetch `Request`), and a few
 * straight to the handler with URLs no browser would normalise first.
 */

let folder: string;
let rendererFolder: string;

beforeEach(() => {
  resetFakeElectron();
  folder = mkdtempSync(path.join(tmpdir(), 'ringside-app-protocol-'));
  rendererFolder = path.join(folder, 'renderer');
  mkdirSync(path.join(rendererFolder, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererFolder, 'index.html'), '<!doctype html><title>Ringside</title>');
  writeFileSync(path.join(rendererFolder, 'assets', 'index-4f2a.js'), 'console.log("bundle")');
  writeFileSync(path.join(rendererFolder, 'assets', 'index-4f2a.css'), 'body{}');
  writeFileSync(path.join(rendererFolder, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(path.join(rendererFolder, 'notes.key'), 'not a web file');
  // Beside the bundle, and elsewhere on the disk: never reachable.
  writeFileSync(path.join(folder, 'secret.js'), 'window.stolen = true');
  const elsewhere = path.join(folder, 'elsewhere');
  mkdirSync(elsewhere);
  writeFileSync(path.join(elsewhere, 'secret.js'), 'window.stolen = true');
  symlinkSync(path.join(folder, 'secret.js'), path.join(rendererFolder, 'assets', 'leak.js'));
  symlinkSync(elsewhere, path.join(rendererFolder, 'linked'));
  registerAppScheme(protocol);
  protocol.handle('app', createAppProtocolHandler({ rendererFolder, contentSecurityPolicy }));
});

afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('app://ringside/', () => {
  it('is registered before ready as a standard, secure scheme, nothing more (no CSP bypass)', () => {
    expect(privilegedSchemes).toEqual([{ scheme: 'app', privileges: appSchemePrivileges }]);
    expect(appSchemePrivileges).toEqual({ standard: true, secure: true });
  });

  it('serves index.html (also for /) and the assets, with their types and the window’s CSP', async () => {
    const expected = [
      [appIndexUrl, 'text/html; charset=utf-8', '<!doctype html><title>Ringside</title>'],
      ['app://ringside/', 'text/html; charset=utf-8', '<!doctype html><title>Ringside</title>'],
      [
        'app://ringside/assets/index-4f2a.js',
        'text/javascript; charset=utf-8',
        'console.log("bundle")',
      ],
      ['app://ringside/assets/index-4f2a.css', 'text/css; charset=utf-8', 'body{}'],
      ['app://ringside/assets/logo.svg', 'image/svg+xml', '<svg/>'],
    ] as const;
    for (const [url, type, body] of expected) {
      const response = await protocol.request(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toBe(body);
    }
    const head = await protocol.request(appIndexUrl, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await protocol.request(appIndexUrl, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('refuses with 404 every way out of the folder, plain or encoded, and what is not a web file', async () => {
    const refused = [
      'app://ringside/../secret.js',
      'app://ringside/assets/../../secret.js',
      'app://ringside/%2e%2e/secret.js',
      'app://ringside/.%2E/secret.js',
      'app://ringside/..%2fsecret.js',
      'app://ringside/%2e%2e%2fsecret.js',
      'app://ringside/assets%2f..%2f..%2fsecret.js',
      'app://ringside/..%5csecret.js',
      'app://ringside/..\\secret.js',
      'app://ringside/%2e%2e%5csecret.js',
      'app://ringside/assets/%00.js',
      `app://ringside/${encodeURIComponent(path.join(folder, 'secret.js'))}`,
      `app://ringside/${path.join(folder, 'secret.js')}`,
      `app://ringside//${path.join(folder, 'secret.js')}`,
      'app://ringside/C:/Windows/win.ini',
      // Symbolic links in the bundle that lead out of it, to a file or a folder.
      'app://ringside/assets/leak.js',
      'app://ringside/linked/secret.js',
      // Inside the folder, but not a type the bundle has; a folder; a file that is not there.
      'app://ringside/notes.key',
      'app://ringside/assets',
      'app://ringside/assets/missing.js',
      // Another host of the scheme, a port.
      'app://evil/index.html',
      'app://ringside:8080/index.html',
    ];
    for (const url of refused) {
      const response = await protocol.request(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).toBe('Not found');
    }
  });

  it('refuses the same URLs given to the handler as raw strings, before any normalisation', async () => {
    const handler = createAppProtocolHandler({ rendererFolder, contentSecurityPolicy });
    for (const url of [
      'app://ringside/../secret.js',
      'app://ringside/assets/..%2F..%2Fsecret.js',
      'app://ringside/..\\..\\secret.js',
      'app://RINGSIDE/index.html',
      'app://user@ringside/index.html',
      'not a url',
      'file:///etc/passwd',
    ]) {
      expect((await handler({ url, method: 'GET' })).status, url).toBe(404);
    }
    expect(requestedSegments('app://ringside/assets/index-4f2a.js')).toEqual([
      'assets',
      'index-4f2a.js',
    ]);
    expect(requestedSegments('app://ringside/%2e%2e%2fsecret.js')).toBeNull();
    expect(requestedSegments('app://ringside/a%E0%A4%A.js')).toBeNull();
  });

  it('is the only way to the page: a file:// URL has no handler here', async () => {
    await expect(
      protocol.request(`file://${path.join(rendererFolder, 'index.html')}`),
    ).rejects.toThrow(/ERR_UNKNOWN_URL_SCHEME/);
  });
});
