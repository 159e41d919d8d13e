import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mainEventChannels, rendererMessages, type ActivityItem, type Decision } from '../common';
import { createCompanion } from '../main/core/companion';
import { createCondition, waitForValue } from './support/wait-for';
import { createRecordingLogger } from './support/recording-logger';
import { createSystemClock } from '../main/core/ports';
import { createTypedIpcMain } from '../main/electron/ipc-main';
import { registerAppScheme } from '../main/electron/app-protocol';
import { onReady, type Shell } from '../main/electron/main';
import { startService, type RunningService } from '../service';
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
  resetFakeElectron,
  safeStorage,
  session,
  shell,
  Tray,
  type FakeMenu,
  type FakeNativeImage,
} from './fakes/electron';

/**
 * The shell over the REAL core and the REAL stand-in service (loopback, SQLite in a temp folder);
 * only Electron is the shared fake. A tray mute goes through the Companion into the store, syncs
 * to the service, and the policy then keeps that line quiet; an unmuted line pops up through
 * Electron's Notification, and its click opens the window on the item.
 */

const jordanId = 'user-jordan';
let folder: string;
let service: RunningService;
let running: Shell<FakeMenu, FakeNativeImage> | null = null;

beforeEach(async () => {
  resetFakeElectron();
  // What electron-main.ts does before ready: app:// becomes a standard scheme.
  registerAppScheme(protocol);
  folder = mkdtempSync(path.join(tmpdir(), 'ringside-shell-core-'));
  service = await startService({ databasePath: path.join(folder, 'service.sqlite') });
});

afterEach(async () => {
  await running?.stop();
  running = null;
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

function textOn(lineId: string, body: string) {
  return { kind: 'text', lineId, from: '+14155552631', contactName: 'Ann Lee', body };
}

describe('the shell over the real core', () => {
  it('a tray mute reaches the store, the service and the policy; a pop-up click opens the item', async () => {
    const decisions: Array<{ item: ActivityItem; decision: Decision }> = [];
    const decided = createCondition();
    const popped = createCondition();
    /** Electron's Notification (the shared fake), telling the test when a pop-up is shown. */
    class SignallingNotification extends Notification {
      override show(): void {
        super.show();
        popped.signal();
      }
    }
    running = await onReady<FakeMenu, FakeNativeImage>({
      app,
      createWindow: (options) => new BrowserWindow(options),
      createTray: (image) => new Tray(image),
      menu: Menu,
      loadImage: (file) => nativeImage.createFromPath(file),
      Notification: SignallingNotification,
      shell,
      session: session.defaultSession,
      powerMonitor,
      createIpc: createTypedIpcMain,
      createCompanion: (options) =>
        createCompanion({
          ...options,
          backoff: { initialMilliseconds: 20, maximumMilliseconds: 200 },
          coalesceWindowMilliseconds: 0,
        }),
      platform: 'linux',
      paths: {
        userData: path.join(folder, 'user-data'),
        preload: path.join(folder, 'dist/preload/preload.cjs'),
        rendererFolder: path.join(folder, 'dist/renderer'),
        assetsFolder: path.join(folder, 'dist/assets'),
      },
      devServerUrl: null,
      service: { serviceUrl: service.url, token: 'demo-token-jordan' },
      safeStorage,
      demoService: { start: () => Promise.reject(new Error('a service is configured')) },
      clock: createSystemClock(),
      monotonicNow: () => performance.now(),
      every: () => ({ cancel: () => undefined }),
      logger: createRecordingLogger(),
      appUserModelId: 'com.ringside.companion',
    });
    const { companion, tray } = running;
    companion.onDecision((item, decision) => {
      decisions.push({ item, decision });
      decided.signal();
    });
    await waitForValue(companion.connection, (state) => state.status === 'connected');
    await tray.refreshLines();

    // The tray shows Jordan's lines; mute the personal line for an hour, by clicking.
    const lineItem = tray.model
      .find((item) => item.id === 'mute-line')
      ?.submenu?.find((item) => item.id === 'mute-line:line-jordan');
    if (!lineItem) throw new Error(`line-jordan is not in the tray: ${JSON.stringify(tray.model)}`);
    const menu = Tray.instances[0]?.contextMenu;
    menu?.click(['Mute line', lineItem.label, 'For 1 hour']);
    await tray.idle();

    // The store has it (the Companion's snapshot), and the tray shows it muted.
    expect(companion.preferences.get()?.preferences.mutes.lines).toEqual([
      { lineId: 'line-jordan', until: expect.any(String) as string },
    ]);
    expect(Tray.instances[0]?.image.path).toContain('tray-muted-32.png');

    // Sync carried it to the service.
    await waitForValue(
      companion.sync,
      (status) => status.status === 'synced' && status.at !== null,
    );
    const response = await fetch(`${service.url}/api/preferences`, {
      headers: { authorization: 'Bearer demo-token-jordan' },
    });
    const body = (await response.json()) as {
      preferences: { mutes: { lines: Array<{ lineId: string }> } };
    };
    expect(body.preferences.mutes.lines.map((mute) => mute.lineId)).toEqual(['line-jordan']);

    // The policy keeps the muted line quiet: no Electron Notification for it.
    const [muted] = service.inject(jordanId, textOn('line-jordan', 'while muted'));
    await decided.until(() => decisions.length === 1, 'the decision on the muted line');
    expect(decisions[0]?.decision.eventId).toBe(muted?.id);
    expect(decisions[0]?.decision.suppressed).toContainEqual(
      expect.objectContaining({ channel: 'desktop', code: 'lineMuted' }),
    );
    expect(Notification.instances).toHaveLength(0);

    // Unmuted from the tray, the next text pops up through Electron's Notification.
    const mutedLabel = tray.model
      .find((item) => item.id === 'mute-line')
      ?.submenu?.find((item) => item.id === 'mute-line:line-jordan')?.label;
    expect(mutedLabel).toMatch(/\(muted until /);
    Tray.instances[0]?.contextMenu?.click(['Mute line', mutedLabel ?? '', 'Unmute']);
    await tray.idle();
    expect(companion.preferences.get()?.preferences.mutes.lines).toEqual([]);
    service.inject(jordanId, textOn('line-jordan', 'after unmuting'));
    await popped.until(() => Notification.instances.length === 1, 'the pop-up');
    const popup = Notification.instances[0];
    expect(popup?.options.body).toContain('after unmuting');

    // Its click opens the settings window on that item, once the page is ready.
    popup?.click();
    const window = BrowserWindow.instances[0];
    if (!window) throw new Error('the click opened no window');
    ipcMain.emit(rendererMessages.ready.channel, ipcEventFrom(window.webContents));
    const navigate = window.webContents.sent.find(
      (entry) => entry.channel === mainEventChannels.navigate,
    );
    expect(navigate?.args[0]).toMatchObject({ section: 'notifications' });
    expect((navigate?.args[0] as { itemId: string }).itemId).toEqual(expect.any(String));
  });
});
