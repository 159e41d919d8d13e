import { beforeEach, describe, expect, it } from 'vitest';
import { invokeCalls, mainEventChannels, rendererMessages, type RendererApi } from '../common';
import { CompanionError } from '../main/core/companion-api';
import { createRecordingLogger } from './support/recording-logger';
import { FakeCompanion } from '../main/electron/fake-companion.test-support';
import {
  companionCalls,
  createTypedIpcMain,
  TypedIpcMain,
  type IpcEventPort,
} from '../main/electron/ipc-main';
import { appIndexUrl, registerAppScheme } from '../main/electron/app-protocol';
import { OwnPages } from '../main/electron/own-pages';
import {
  BrowserWindow,
  contextBridge,
  FakeIpcMain,
  ipcEventFrom,
  ipcMain,
  ipcRenderer,
  protocol,
  resetFakeElectron,
} from './fakes/electron';

/** As electron-main.ts does before ready: app:// is a standard scheme, with a real origin. */
function beforeReady(): void {
  resetFakeElectron();
  registerAppScheme(protocol);
}

function setup(port: FakeIpcMain = new FakeIpcMain()) {
  const companion = new FakeCompanion();
  companion.signIn('UTC');
  const logger = createRecordingLogger();
  const pages = new OwnPages({ devServerUrl: null });
  const ipc = new TypedIpcMain({
    ipcMain: port,
    calls: companionCalls(companion, { openExternal: () => Promise.resolve({ opened: true }) }),
    pages,
    logger,
  });
  ipc.start();
  const window = new BrowserWindow({ show: false });
  void window.loadURL(appIndexUrl);
  ipc.registerWindow(window.webContents);
  return { companion, logger, ipc, port, window, pages };
}

describe('the IPC wrapper', () => {
  beforeEach(beforeReady);

  it('registers one handler per invoke call of the contract, and the ready message', () => {
    const { port } = setup();
    expect([...port.handlers.keys()].sort()).toEqual(
      Object.values(invokeCalls)
        .map((call) => call.channel)
        .sort(),
    );
    expect(port.listenerCount(rendererMessages.ready.channel)).toBe(1);
  });

  it('answers a call from our window through the Companion method of the same name', async () => {
    const { port, window, companion } = setup();
    const answer = await port.invoke(
      invokeCalls.muteLine.channel,
      ipcEventFrom(window.webContents),
      { lineId: 'line-front-desk', duration: 'oneHour' },
    );
    expect(answer).toMatchObject({ ok: true, value: { preferencesVersion: 2 } });
    expect(companion.calls).toEqual([
      { method: 'muteLine', args: { lineId: 'line-front-desk', duration: 'oneHour' } },
    ]);
    // The shell's own override answers openExternal, not the core.
    expect(
      await port.invoke(invokeCalls.openExternal.channel, ipcEventFrom(window.webContents), {
        url: 'https://help.ringside.example.com/',
      }),
    ).toEqual({ ok: true, value: { opened: true } });
    expect(companion.calls).toHaveLength(1);
  });

  it('refuses a sender that is not one of our windows, or a foreign page in it', async () => {
    const { port, window, companion, logger } = setup();
    const stranger = new BrowserWindow({ show: false });
    void stranger.loadURL(appIndexUrl);
    const forbidden = {
      ok: false,
      error: { code: 'forbidden', message: 'This window may not call getPreferences.' },
    };
    // Our own page in an iframe of our window: the right URL, but not the top frame.
    const subframe = ipcEventFrom(window.webContents, appIndexUrl);
    subframe.senderFrame.parent = window.webContents.mainFrame;
    // The right URL in the top frame, but a security origin that is not app://ringside: another
    // site, a file origin (the old file:// page), the opaque origin of a sandboxed frame.
    const otherOrigins = ['https://evil.example.com', 'file://', 'null', 'app://ringside.evil'].map(
      (origin) => {
        const event = ipcEventFrom(window.webContents, appIndexUrl);
        event.senderFrame.originOverride = origin;
        return event;
      },
    );
    const events: IpcEventPort[] = [
      ipcEventFrom(stranger.webContents),
      ipcEventFrom(window.webContents, 'https://evil.example.com/'),
      // The built page as a file, as the shell loaded it before: never trusted now.
      ipcEventFrom(window.webContents, 'file:///opt/ringside/dist/renderer/index.html'),
      ipcEventFrom(window.webContents, 'app://ringside/assets/injected.html'),
      ipcEventFrom(window.webContents, 'app://other-host/index.html'),
      subframe,
      ...otherOrigins,
      { sender: window.webContents, senderFrame: null },
    ];
    for (const event of events) {
      expect(await port.invoke(invokeCalls.getPreferences.channel, event as never)).toEqual(
        forbidden,
      );
    }
    expect(companion.calls).toEqual([]);
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(events.length);
    // The same page as the window's top frame, with its app://ringside origin, is answered.
    expect(
      await port.invoke(invokeCalls.getPreferences.channel, ipcEventFrom(window.webContents)),
    ).toMatchObject({ ok: true });
  });

  it('refuses our page whose scheme was not registered as standard (its origin is then "null")', async () => {
    resetFakeElectron();
    const { port, window, companion } = setup();
    expect(window.webContents.mainFrame.origin).toBe('null');
    expect(
      await port.invoke(invokeCalls.getPreferences.channel, ipcEventFrom(window.webContents)),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(companion.calls).toEqual([]);
  });

  it('refuses invalid arguments with a clear error per field', async () => {
    const { port, window, companion } = setup();
    const event = ipcEventFrom(window.webContents);
    const answer = await port.invoke(invokeCalls.muteLine.channel, event, {
      lineId: 'line front desk',
      duration: 'forever',
      extra: true,
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'invalidArguments', message: 'Invalid arguments for muteLine.' },
    });
    const fields = (answer as { error: { fields: Array<{ path: string }> } }).error.fields;
    expect(fields.map((field) => field.path).sort()).toEqual(['', 'duration', 'lineId']);
    expect(
      await port.invoke(invokeCalls.listActivity.channel, event, { limit: 10_000 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalidArguments', fields: [{ path: 'limit' }] },
    });
    expect(
      await port.invoke(invokeCalls.getSession.channel, event, { unexpected: 1 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalidArguments' },
    });
    expect(
      await port.invoke(invokeCalls.unmuteLine.channel, event, { lineId: 'a' }, 'b'),
    ).toMatchObject({ ok: false, error: { code: 'invalidArguments' } });
    expect(companion.calls).toEqual([]);
  });

  it('turns a CompanionError into an error answer, and anything else into internal, never a throw', async () => {
    const { port, window, companion, logger } = setup();
    const event = ipcEventFrom(window.webContents);
    companion.failures.set(
      'unmuteLine',
      new CompanionError('notFound', 'No line line-x.', [{ path: 'lineId', message: 'unknown' }]),
    );
    expect(await port.invoke(invokeCalls.unmuteLine.channel, event, { lineId: 'line-x' })).toEqual({
      ok: false,
      error: {
        code: 'notFound',
        message: 'No line line-x.',
        fields: [{ path: 'lineId', message: 'unknown' }],
      },
    });
    companion.failures.set('getPreferences', new Error('SQLITE_BUSY at /home/jordan/secret'));
    const internal = await port.invoke(invokeCalls.getPreferences.channel, event);
    expect(internal).toEqual({
      ok: false,
      error: { code: 'internal', message: 'getPreferences failed; the details are in the log.' },
    });
    expect(JSON.stringify(internal)).not.toContain('secret');
    expect(logger.lines.some((line) => line.message === 'ipc: call failed')).toBe(true);
  });

  it('holds events until the window says ready, then sends them in order', () => {
    const { port, window, ipc } = setup();
    ipc.send('notificationsChanged', { unread: 1 });
    ipc.send('navigate', { section: 'notifications', itemId: 'event-1' });
    expect(window.webContents.sent).toEqual([]);
    // A ready from a stranger does not release them.
    const stranger = new BrowserWindow({ show: false });
    port.emit(rendererMessages.ready.channel, ipcEventFrom(stranger.webContents));
    expect(window.webContents.sent).toEqual([]);
    port.emit(rendererMessages.ready.channel, ipcEventFrom(window.webContents));
    expect(window.webContents.sent).toEqual([
      { channel: mainEventChannels.notificationsChanged, args: [{ unread: 1 }] },
      {
        channel: mainEventChannels.navigate,
        args: [{ section: 'notifications', itemId: 'event-1' }],
      },
    ]);
    ipc.send('notificationsChanged', { unread: 2 });
    expect(window.webContents.sent).toHaveLength(3);
    // A reload holds events again until the new page is ready.
    window.webContents.emit('did-navigate');
    window.webContents.emit('did-navigate-in-page');
    ipc.send('notificationsChanged', { unread: 3 });
    expect(window.webContents.sent).toHaveLength(3);
    expect(ipc.isReady(window.webContents.id)).toBe(false);
  });

  it('forgets a destroyed window', () => {
    const { window, ipc } = setup();
    window.close();
    expect(() => ipc.send('notificationsChanged', { unread: 1 })).not.toThrow();
  });
});

describe('preload, through the fake ipcRenderer to the real wrapper', () => {
  beforeEach(beforeReady);

  it('exposes named methods only, and they reach the Companion', async () => {
    const companion = new FakeCompanion();
    companion.signIn('UTC');
    const ipc = createTypedIpcMain({
      calls: companionCalls(companion),
      pages: new OwnPages({ devServerUrl: null }),
      logger: createRecordingLogger(),
    });
    ipc.start();
    const window = new BrowserWindow({ show: false });
    await window.loadURL(appIndexUrl);
    ipc.registerWindow(window.webContents);
    ipcRenderer.page = window.webContents;

    await import('../preload/preload');
    expect([...contextBridge.exposed.keys()]).toEqual(['api']);
    const api = contextBridge.exposed.get('api') as RendererApi;
    const names = Object.keys(api).sort();
    expect(names).not.toContain('send');
    expect(names).not.toContain('invoke');
    expect(names).toEqual(
      [
        ...Object.keys(invokeCalls),
        'ready',
        ...Object.keys(mainEventChannels).map(
          (name) => `on${name.slice(0, 1).toUpperCase()}${name.slice(1)}`,
        ),
      ].sort(),
    );
    expect(ipcMain.handlers.size).toBe(Object.keys(invokeCalls).length);

    const received: unknown[] = [];
    const unsubscribe = api.onNavigate((payload) => received.push(payload));
    ipc.send('navigate', { section: 'lines', itemId: null });
    expect(received).toEqual([]);
    api.ready();
    expect(received).toEqual([{ section: 'lines', itemId: null }]);
    unsubscribe();
    ipc.send('navigate', { section: 'account', itemId: null });
    expect(received).toHaveLength(1);

    expect(await api.setDoNotDisturb({ duration: 'oneHour' })).toMatchObject({ ok: true });
    expect(await api.muteLine({ lineId: 'line front desk', duration: 'oneHour' })).toMatchObject({
      ok: false,
      error: { code: 'invalidArguments', fields: [{ path: 'lineId' }] },
    });
    expect(companion.calls).toEqual([{ method: 'setDoNotDisturb', args: { duration: 'oneHour' } }]);
  });
});
