import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readManagedPolicy } from '../main/core/policy';
import { registerAppScheme } from '../main/electron/app-protocol';
import { FakeCompanion } from '../main/electron/fake-companion.test-support';
import { createTypedIpcMain } from '../main/electron/ipc-main';
import { onReady, type ShellCompanionOptions } from '../main/electron/main';
import {
  app,
  BrowserWindow,
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
import { ManualClock } from './support/manual-clock';
import { createRecordingLogger } from './support/recording-logger';

/**
 * Issue 16 §6 in the desktop shell, through the one fake electron: the managed policy is read
 * before the core and the first window (here the Linux reader on a temp file), its service URL
 * and start-at-login win, its locks go to the core, and an invalid one is a health notice and
 * an error log line, with none of it applied.
 */

let folder: string;

beforeEach(() => {
  resetFakeElectron();
  registerAppScheme(protocol);
  folder = mkdtempSync(path.join(tmpdir(), 'ringside-shell-policy-'));
});

afterEach(() => rmSync(folder, { recursive: true, force: true }));

async function startShell(policy: string) {
  const file = path.join(folder, 'policy.json');
  writeFileSync(file, policy);
  const logger = createRecordingLogger();
  const created: ShellCompanionOptions[] = [];
  const demoStarts: string[] = [];
  const clock = new ManualClock(Date.parse('2026-11-23T15:00:00Z'));
  const running = await onReady<FakeMenu, FakeNativeImage>({
    app,
    createWindow: (windowOptions) => new BrowserWindow(windowOptions),
    createTray: (image) => new Tray(image),
    menu: Menu,
    loadImage: (image) => nativeImage.createFromPath(image),
    Notification,
    shell,
    session: session.defaultSession,
    powerMonitor,
    createIpc: createTypedIpcMain,
    createCompanion: (options) => {
      created.push(options);
      return new FakeCompanion(undefined, () => clock.now());
    },
    platform: 'win32',
    paths: {
      userData: folder,
      preload: path.join(folder, 'dist/preload/preload.cjs'),
      rendererFolder: path.join(folder, 'dist/renderer'),
      assetsFolder: path.join(folder, 'dist/assets'),
    },
    devServerUrl: null,
    service: { serviceUrl: 'https://own-choice.example.com', token: 'token-of-jordan' },
    safeStorage,
    demoService: {
      start: ({ dataDir }) => {
        demoStarts.push(dataDir);
        return Promise.resolve({
          serviceUrl: 'http://127.0.0.1:1',
          token: 't',
          stop: () => Promise.resolve(),
        });
      },
    },
    clock,
    monotonicNow: () => 0,
    every: () => ({ cancel: () => undefined }),
    logger,
    appUserModelId: 'com.ringside.companion',
    readPolicy: () => readManagedPolicy({ platform: 'linux', file }),
  });
  return { running, created, logger, file, demoStarts };
}

describe('the desktop shell under a managed policy', () => {
  it('applies a valid policy whole: service URL, start at login, locks for the core, updates shown', async () => {
    const { running, created, file } = await startShell(
      JSON.stringify({
        serviceUrl: 'https://phones.example.com',
        lockedSettings: { 'channels.desktop': true },
        launchAtLogin: true,
        updates: 'off',
      }),
    );
    const [options] = created;
    expect(options?.serviceUrl).toBe('https://phones.example.com');
    expect(options?.token).toBe('token-of-jordan');
    expect(options?.policy?.lockedSettings).toEqual({ 'channels.desktop': true });
    expect(options?.notices).toContainEqual({
      code: 'managedPolicy',
      message: `Managed by your organisation (${file}): service https://phones.example.com; 1 setting locked; start at login on; updates off`,
    });
    // The policy's start at login reaches the OS, and the person cannot turn it off.
    expect(app.loginItemSettings).toEqual({ openAtLogin: true });
    expect(running.launchAtLogin.managed).toBe(true);
    running.launchAtLogin.set(false);
    expect(running.launchAtLogin.enabled()).toBe(true);
    expect(app.loginItemSettings).toEqual({ openAtLogin: true });
    await running.stop();
  });

  it('an invalid policy: a health notice and an error line naming the field, and none of it applied', async () => {
    const { running, created, logger, file } = await startShell(
      JSON.stringify({
        serviceUrl: 'https://phones.example.com',
        launchAtLogin: true,
        lockedSettings: { 'channels.desktop': 'on' },
      }),
    );
    const [options] = created;
    const message = `The managed policy in ${file} is invalid at "lockedSettings.channels.desktop": Invalid input: expected boolean, received string. Running with no policy applied.`;
    expect(options?.notices).toContainEqual({ code: 'policyInvalid', message });
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'error', message }));
    expect(options?.policy).toBeNull();
    expect(options?.serviceUrl).toBe('https://own-choice.example.com');
    expect(running.launchAtLogin.managed).toBe(false);
    expect(app.loginItemSettings).toEqual({ openAtLogin: false });
    await running.stop();
  });
});
