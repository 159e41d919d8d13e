import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeCatchUp, invokeCalls, mainEventChannels, rendererMessages } from '../common';
import { CatchUpTracker, progressIntervalMilliseconds } from '../main/core/catch-up-progress';
import { createRecordingLogger } from './support/recording-logger';
import { FakeCompanion } from '../main/electron/fake-companion.test-support';
import { createTypedIpcMain } from '../main/electron/ipc-main';
import { registerAppScheme } from '../main/electron/app-protocol';
import { claimSingleInstance, onReady, type ShellCompanionOptions } from '../main/electron/main';
import { ManualClock } from './support/manual-clock';
import {
  app,
  BrowserWindow,
  ipcEventFrom,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  protocol,
  recorded,
  resetFakeElectron,
  safeStorage,
  session,
  shell,
  Tray,
  type FakeMenu,
  type FakeNativeImage,
} from './fakes/electron';

let folder: string;

beforeEach(() => {
  resetFakeElectron();
  // What electron-main.ts does before ready: app:// becomes a standard scheme.
  registerAppScheme(protocol);
  folder = mkdtempSync(path.join(tmpdir(), 'ringside-shell-'));
});

afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** onReady over the shared fake, a fake Companion and a recorded demo service. */
async function startShell(options: { platform?: NodeJS.Platform; configured?: boolean } = {}) {
  const clock = new ManualClock(Date.parse('2026-11-23T15:00:00Z'));
  const logger = createRecordingLogger();
  const created: ShellCompanionOptions[] = [];
  const demo = { started: [] as string[], stopped: 0 };
  let companion: FakeCompanion | null = null;
  const running = await onReady<FakeMenu, FakeNativeImage>({
    app,
    createWindow: (windowOptions) => new BrowserWindow(windowOptions),
    createTray: (image) => new Tray(image),
    menu: Menu,
    loadImage: (file) => nativeImage.createFromPath(file),
    Notification,
    shell,
    session: session.defaultSession,
    powerMonitor,
    createIpc: createTypedIpcMain,
    createCompanion: (companionOptions) => {
      created.push(companionOptions);
      companion = new FakeCompanion(undefined, () => clock.now());
      // As the core does: a pop-up click becomes onOpenItem.
      const fake = companion;
      companionOptions.notifier.onClick((itemId) => fake.emitOpenItem(itemId));
      return companion;
    },
    platform: options.platform ?? 'linux',
    paths: {
      userData: folder,
      preload: path.join(folder, 'dist/preload/preload.cjs'),
      rendererFolder: path.join(folder, 'dist/renderer'),
      assetsFolder: path.join(folder, 'dist/assets'),
    },
    devServerUrl: null,
    service: options.configured ? { serviceUrl: 'https://calls.example.com', token: 't' } : null,
    safeStorage,
    demoService: {
      start: ({ dataDir }) => {
        demo.started.push(dataDir);
        return Promise.resolve({
          serviceUrl: 'http://127.0.0.1:4999',
          token: 'demo-token-jordan',
          stop: () => {
            demo.stopped += 1;
            return Promise.resolve();
          },
        });
      },
    },
    clock,
    monotonicNow: () => 0,
    every: () => ({ cancel: () => undefined }),
    logger,
    appUserModelId: 'com.ringside.companion',
  });
  if (!companion) throw new Error('createCompanion was not called');
  return { running, companion: companion as FakeCompanion, created, demo, logger, clock };
}

describe('the shell composition root', () => {
  it('starts the demo service when none is configured and builds the core on userData', async () => {
    const { running, companion, created, demo } = await startShell();
    expect(demo.started).toEqual([folder]);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      dataDir: folder,
      serviceUrl: 'http://127.0.0.1:4999',
      token: 'demo-token-jordan',
    });
    // No session bus given: Electron's Notification, even on Linux.
    expect(running.notifier.kind).toBe('electron');
    expect(created[0]?.notifier).toBe(running.notifier);
    expect(companion.started).toBe(true);
    expect([...ipcMain.handlers.keys()]).toHaveLength(Object.keys(invokeCalls).length);
    expect(Tray.instances).toHaveLength(1);
    expect(Tray.instances[0]?.image.path).toBe(path.join(folder, 'dist/assets/tray/tray-32.png'));
    expect(recorded.map((entry) => entry.call)).toEqual(
      expect.arrayContaining([
        'session.setPermissionRequestHandler',
        'session.setPermissionCheckHandler',
        'session.webRequest.onHeadersReceived',
        'app.setLoginItemSettings',
      ]),
    );
    expect(recorded.some((entry) => entry.call === 'app.setAppUserModelId')).toBe(false);
    // No window until one is asked for: the companion lives in the tray.
    expect(BrowserWindow.instances).toHaveLength(0);
    await running.stop();
    expect(companion.stopped).toBe(true);
    expect(demo.stopped).toBe(1);
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('uses a configured service without starting the demo one', async () => {
    const { created, demo, running } = await startShell({ configured: true });
    expect(demo.started).toEqual([]);
    expect(created[0]?.serviceUrl).toBe('https://calls.example.com');
    await running.stop();
  });

  it('serves the window from app://ringside/ through its own handler, removed at stop', async () => {
    mkdirSync(path.join(folder, 'dist/renderer'), { recursive: true });
    writeFileSync(path.join(folder, 'dist/renderer/index.html'), '<!doctype html><p>ours');
    writeFileSync(path.join(folder, 'dist/outside.html'), '<p>not ours');
    const { running } = await startShell();
    const window = running.settingsWindow.show();
    expect(window.webContents).toBe(BrowserWindow.instances[0]?.webContents);
    expect(BrowserWindow.instances[0]?.webContents.getURL()).toBe('app://ringside/index.html');
    const protocol = session.defaultSession.protocol;
    const page = await protocol.request('app://ringside/index.html');
    expect(await page.text()).toBe('<!doctype html><p>ours');
    expect((await protocol.request('app://ringside/../outside.html')).status).toBe(404);
    expect(recorded.some((entry) => entry.call === 'BrowserWindow.loadFile')).toBe(false);
    await running.stop();
    expect(protocol.isProtocolHandled('app')).toBe(false);
  });

  it('signs in with service.json, its token sealed; without a keychain the core is told so', async () => {
    const file = path.join(folder, 'service.json');
    writeFileSync(file, JSON.stringify({ serviceUrl: 'https://calls.example.com/', token: 't-1' }));
    const sealed = await startShell();
    expect(sealed.demo.started).toEqual([]);
    expect(sealed.created[0]).toMatchObject({
      serviceUrl: 'https://calls.example.com/',
      token: 't-1',
      notices: [],
    });
    expect(readFileSync(file, 'utf8')).not.toContain('t-1');
    await sealed.running.stop();

    safeStorage.available = false;
    writeFileSync(file, JSON.stringify({ serviceUrl: 'https://calls.example.com/', token: 't-2' }));
    const plain = await startShell();
    expect(plain.created[0]?.token).toBe('t-2');
    expect(plain.created[0]?.notices.map((notice) => notice.code)).toEqual(['tokenStorage']);
    expect(plain.logger.lines.some((line) => line.level === 'warn')).toBe(true);
    await plain.running.stop();
  });

  it('sets the AppUserModelId on Windows and uses template tray images on macOS', async () => {
    const windows = await startShell({ platform: 'win32' });
    expect(app.appUserModelId).toBe('com.ringside.companion');
    expect(Tray.instances[0]?.image.path).toBe(path.join(folder, 'dist/assets/tray/tray.ico'));
    await windows.running.stop();
    resetFakeElectron();
    const mac = await startShell({ platform: 'darwin' });
    expect(Tray.instances[0]?.image.path).toBe(
      path.join(folder, 'dist/assets/tray/trayTemplate.png'),
    );
    expect(Tray.instances[0]?.image.isTemplateImage()).toBe(true);
    await mac.running.stop();
  });

  it('a pop-up click opens the settings window on that item, sent once the page is ready', async () => {
    const { running } = await startShell();
    const shown = await running.notifier.show({
      itemId: 'event-42',
      title: 'Missed call',
      body: 'From +1 415 555 0199',
    });
    expect(shown).toMatchObject({ shown: true });
    expect(running.notifier.shown.map((popup) => popup.itemId)).toEqual(['event-42']);
    const popup = Notification.instances[0];
    expect(popup?.options).toMatchObject({ title: 'Missed call', body: 'From +1 415 555 0199' });
    popup?.click();
    const window = BrowserWindow.instances[0];
    if (!window) throw new Error('the click opened no window');
    expect(window.visible).toBe(true);
    expect(window.webContents.sent).toEqual([]);
    ipcMain.emit(rendererMessages.ready.channel, ipcEventFrom(window.webContents));
    expect(window.webContents.sent).toContainEqual({
      channel: mainEventChannels.navigate,
      args: [{ section: 'notifications', itemId: 'event-42' }],
    });
    await running.stop();
  });

  it('"Call back" on a pop-up opens the softphone with a tel: link, and nothing else', async () => {
    const { running, companion, logger } = await startShell();
    companion.callBack('+14155552631', 'event-7');
    // A number that is not E.164 or a short code (never sent by a valid event) is refused.
    companion.callBack('+1 415; rm -rf', 'event-8');
    companion.callBack('javascript:alert(1)', 'event-9');
    await Promise.resolve();
    expect(
      recorded.filter((entry) => entry.call === 'shell.openExternal').map((entry) => entry.args),
    ).toEqual([['tel:+14155552631']]);
    expect(logger.lines.filter((line) => line.message === 'phone link refused')).toHaveLength(2);
    await running.stop();
  });

  it('forwards the core changes to the window as events', async () => {
    const { running, companion } = await startShell();
    running.settingsWindow.show();
    const window = BrowserWindow.instances[0];
    if (!window) throw new Error('no window');
    ipcMain.emit(rendererMessages.ready.channel, ipcEventFrom(window.webContents));
    companion.signIn('UTC');
    companion.unread.set(3);
    const channels = window.webContents.sent.map((entry) => entry.channel);
    expect(channels).toEqual(
      expect.arrayContaining([
        mainEventChannels.preferencesChanged,
        mainEventChannels.connectionChanged,
        mainEventChannels.notificationsChanged,
      ]),
    );
    await running.stop();
  });

  it('carries a catch-up’s progress to the window, a few times a second at most, then null', async () => {
    const { running, companion, clock } = await startShell();
    running.settingsWindow.show();
    const window = BrowserWindow.instances[0];
    if (!window) throw new Error('no window');
    ipcMain.emit(rendererMessages.ready.channel, ipcEventFrom(window.webContents));
    // The core's tracker, as the session wires it to `companion.catchUp`.
    const tracker = new CatchUpTracker(clock);
    tracker.progress.subscribe((progress) => companion.catchUp.set(progress));
    const sent = () =>
      window.webContents.sent
        .filter((entry) => entry.channel === mainEventChannels.catchUpChanged)
        .map((entry) => entry.args[0]);
    tracker.begin(0);
    tracker.expect(100_000);
    // A thousand batches within one interval: no more than the first figure goes out.
    for (let batch = 0; batch < 1_000; batch += 1) tracker.counted(40);
    expect(sent()).toEqual([{ done: 0, total: 100_000 }]);
    clock.advance(progressIntervalMilliseconds);
    tracker.counted(0);
    expect(sent()).toEqual([
      { done: 0, total: 100_000 },
      { done: 40_000, total: 100_000 },
    ]);
    expect(describeCatchUp({ done: 40_000, total: 100_000 })).toBe(
      'Catching up: 40,000 of 100,000',
    );
    tracker.end();
    expect(sent().at(-1)).toBeNull();
    await running.stop();
  });

  it('a second launch shows the first one’s window; resume reaches the core', async () => {
    const { running, companion } = await startShell();
    app.emit('second-instance', {}, [], '/');
    expect(BrowserWindow.getAllWindows()).toHaveLength(1);
    app.emit('second-instance', {}, [], '/');
    expect(BrowserWindow.instances).toHaveLength(1);
    // Closing the window keeps the companion running in the tray.
    expect(app.listenerCount('window-all-closed')).toBe(1);
    powerMonitor.emit('resume');
    powerMonitor.emit('resume');
    expect(companion.replans).toEqual(['resume']);
    await running.stop();
  });

  it('a second instance quits at once', () => {
    app.singleInstanceLockAvailable = false;
    expect(claimSingleInstance(app)).toBe(false);
    expect(app.quitCalls).toBe(1);
    resetFakeElectron();
    expect(claimSingleInstance(app)).toBe(true);
    expect(app.quitCalls).toBe(0);
  });
});
