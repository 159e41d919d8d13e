import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRecordingLogger } from './support/recording-logger';
import { appIndexUrl } from '../main/electron/app-protocol';
import { ExternalLinks } from '../main/electron/external-links';
import { OwnPages } from '../main/electron/own-pages';
import { contentSecurityPolicy, secureSession } from '../main/electron/session-security';
import { SettingsWindow } from '../main/electron/windows';
import { BrowserWindow, resetFakeElectron, session, shell } from './fakes/electron';

const indexUrl = appIndexUrl;
/** Where the bundle sits on disk: never a trusted URL by itself. */
const rendererFileUrl = 'file:///opt/ringside/resources/app.asar/dist/renderer/index.html';

function setup() {
  const logger = createRecordingLogger();
  const pages = new OwnPages({ devServerUrl: null });
  const links = new ExternalLinks({ shell, allowedHosts: ['help.ringside.example.com'], logger });
  const created: number[] = [];
  const navigations: Array<{ id: number; section: string; itemId: string | null }> = [];
  const window = new SettingsWindow({
    createWindow: (options) => new BrowserWindow(options),
    preload: '/opt/ringside/dist/preload/preload.cjs',
    url: pages.indexUrl(),
    icon: null,
    pages,
    links,
    onCreated: (webContents) => created.push(webContents.id),
    navigate: (id, section, itemId) => navigations.push({ id, section, itemId }),
    logger,
  });
  return { logger, pages, links, window, created, navigations };
}

describe('windows', () => {
  beforeEach(() => resetFakeElectron());

  it('creates the settings window with the secure preferences, once', () => {
    const { window, created } = setup();
    window.show();
    window.show();
    expect(BrowserWindow.instances).toHaveLength(1);
    const [created0] = BrowserWindow.instances;
    expect(created0?.options.webPreferences).toEqual({
      preload: '/opt/ringside/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
    expect(created0?.options.show).toBe(false);
    expect(created0?.webContents.getURL()).toBe(indexUrl);
    expect(created).toEqual([created0?.webContents.id]);
    expect(created0?.focused).toBe(true);
  });

  it('opens a new window after the first was closed, and asks it to navigate', () => {
    const { window, navigations } = setup();
    window.show();
    BrowserWindow.instances[0]?.close();
    window.show({ section: 'notifications', itemId: 'event-7' });
    expect(BrowserWindow.getAllWindows()).toHaveLength(1);
    expect(navigations).toEqual([
      {
        id: BrowserWindow.instances[1]?.webContents.id,
        section: 'notifications',
        itemId: 'event-7',
      },
    ]);
  });

  it('denies navigation away from our pages, every window.open, and webviews', () => {
    const { window } = setup();
    const webContents = window.show().webContents;
    const fake = BrowserWindow.instances[0]?.webContents;
    if (!fake || fake.id !== webContents.id) throw new Error('no window');
    expect(fake.simulateNavigation('will-navigate', 'https://evil.example.com/')).toBe(true);
    expect(fake.simulateNavigation('will-navigate', 'file:///etc/passwd')).toBe(true);
    // Not even the bundle's own file: the page lives at app://ringside/ only.
    expect(fake.simulateNavigation('will-navigate', rendererFileUrl)).toBe(true);
    expect(fake.simulateNavigation('will-navigate', 'app://other/index.html')).toBe(true);
    expect(fake.simulateNavigation('will-redirect', 'http://127.0.0.1:4310/')).toBe(true);
    expect(fake.simulateNavigation('will-redirect', 'http://help.ringside.example.com/')).toBe(
      true,
    );
    expect(fake.simulateNavigation('will-navigate', `${indexUrl}#/notifications`)).toBe(false);
    expect(fake.simulateWebviewAttach()).toBe(true);

    expect(fake.simulateWindowOpen('https://evil.example.com/')).toEqual({ action: 'deny' });
    expect(fake.simulateWindowOpen(indexUrl)).toEqual({ action: 'deny' });
    expect(fake.simulateWindowOpen(rendererFileUrl)).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual([]);
    // An allowed help link is denied as a window but opened in the browser.
    expect(fake.simulateWindowOpen('https://help.ringside.example.com/mutes')).toEqual({
      action: 'deny',
    });
    expect(shell.opened).toEqual(['https://help.ringside.example.com/mutes']);
  });
});

describe('the session', () => {
  beforeEach(() => resetFakeElectron());

  it('refuses every permission request and check', async () => {
    const pages = new OwnPages({ devServerUrl: null });
    secureSession(session.defaultSession, pages);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      expect(await session.defaultSession.requestPermission(permission)).toBe(false);
      expect(session.defaultSession.permissionCheckHandler?.(null, permission, 'file://', {})).toBe(
        false,
      );
    }
  });

  it('sets the strict CSP on our pages and leaves other responses alone', async () => {
    const pages = new OwnPages({ devServerUrl: 'http://localhost:5173/' });
    secureSession(session.defaultSession, pages);
    const ours = await session.defaultSession.simulateResponse({
      url: 'http://localhost:5173/index.html',
      responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] },
    });
    expect(ours.responseHeaders).toEqual({
      'X-Other': ['1'],
      'Content-Security-Policy': [contentSecurityPolicy],
    });
    expect(contentSecurityPolicy).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; " +
        "frame-src 'none'; frame-ancestors 'none'",
    );
    const theirs = await session.defaultSession.simulateResponse({
      url: 'https://help.ringside.example.com/',
      responseHeaders: { 'X-Other': ['1'] },
    });
    expect(theirs.responseHeaders).toEqual({ 'X-Other': ['1'] });
  });
});

describe('the page itself', () => {
  it('carries the same policy in its meta tag as the header', () => {
    const html = readFileSync(path.resolve('renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    // frame-ancestors is ignored in a meta tag, so it is only in the header.
    expect(meta).toBe(contentSecurityPolicy.replace(/; frame-ancestors 'none'$/, ''));
  });
});

describe('our pages and external links', () => {
  it('trusts only app://ringside/, never a file, and only index.html as a document', () => {
    const pages = new OwnPages({ devServerUrl: null });
    expect(pages.indexUrl()).toBe('app://ringside/index.html');
    expect(pages.isOwn(indexUrl)).toBe(true);
    expect(pages.isOwnDocument(`${indexUrl}#/lines`)).toBe(true);
    expect(pages.isOwn('app://ringside/assets/app.js')).toBe(true);
    expect(pages.isOwnDocument('app://ringside/assets/app.js')).toBe(false);
    expect(pages.isOwn(rendererFileUrl)).toBe(false);
    expect(pages.isOwnDocument(rendererFileUrl)).toBe(false);
    expect(pages.isOwn('file:///etc/passwd')).toBe(false);
    expect(pages.isOwn('app://other/index.html')).toBe(false);
    expect(pages.isOwn('app://ringside:8080/index.html')).toBe(false);
    expect(pages.isOwn('app://user@ringside/index.html')).toBe(false);
    expect(pages.isOwn('https://evil.example.com/index.html')).toBe(false);
    expect(pages.isOwn('not a url')).toBe(false);
    expect(pages.isOwn('http://localhost:5173/')).toBe(false);
  });

  it('trusts a document only with the origin it should have: app://ringside, not file:// or null', () => {
    const built = new OwnPages({ devServerUrl: null });
    expect(built.isOwnOrigin('app://ringside', indexUrl)).toBe(true);
    expect(built.isOwnOrigin('file://', indexUrl)).toBe(false);
    expect(built.isOwnOrigin('null', indexUrl)).toBe(false);
    expect(built.isOwnOrigin('https://evil.example.com', indexUrl)).toBe(false);
    expect(built.isOwnOrigin('file://', rendererFileUrl)).toBe(false);
    expect(built.isOwnOrigin('app://ringside', 'https://evil.example.com/index.html')).toBe(false);
    const development = new OwnPages({ devServerUrl: 'http://localhost:5173/' });
    expect(development.isOwnOrigin('http://localhost:5173', 'http://localhost:5173/')).toBe(true);
    expect(development.isOwnOrigin('null', 'http://localhost:5173/')).toBe(false);
    expect(development.isOwnOrigin('http://localhost:5174', 'http://localhost:5173/')).toBe(false);
  });

  it('opens https links to listed hosts only', async () => {
    resetFakeElectron();
    const logger = createRecordingLogger();
    const links = new ExternalLinks({
      shell,
      allowedHosts: ['help.ringside.example.com'],
      logger,
    });
    for (const url of [
      'http://help.ringside.example.com/',
      'https://evil.example.com/',
      'https://help.ringside.example.com.evil.example.com/',
      'https://user:secret@help.ringside.example.com/',
      'https://help.ringside.example.com:8443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(await links.open(url)).toEqual({ opened: false });
    }
    expect(shell.opened).toEqual([]);
    expect(await links.open('https://HELP.ringside.example.com/a?b=c')).toEqual({ opened: true });
    expect(shell.opened).toEqual(['https://help.ringside.example.com/a?b=c']);
    expect(logger.lines.filter((line) => line.message === 'external link refused')).toHaveLength(8);
  });

  it('opens the softphone only on a plain number: E.164 or a short code, nothing else in the link', async () => {
    resetFakeElectron();
    const logger = createRecordingLogger();
    const links = new ExternalLinks({ shell, allowedHosts: [], logger });
    for (const number of [
      '+1415555010?x=1',
      '+14155550101;ext=2',
      '4155550101 ',
      '+0123',
      'javascript:alert(1)',
      '//evil.example.com',
      '12',
      '',
    ]) {
      expect(await links.openPhoneNumber(number)).toEqual({ opened: false });
    }
    expect(shell.opened).toEqual([]);
    expect(await links.openPhoneNumber('+14155550101')).toEqual({ opened: true });
    expect(await links.openPhoneNumber('22395')).toEqual({ opened: true });
    expect(shell.opened).toEqual(['tel:+14155550101', 'tel:22395']);
    expect(logger.lines.filter((line) => line.message === 'phone link refused')).toHaveLength(8);
  });
});
