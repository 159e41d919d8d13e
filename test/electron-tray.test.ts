import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultUserPreferences,
  organisationLocks,
  type ConnectionState,
  type Mutes,
} from '../common';
import { CompanionError } from '../main/core/companion-api';
import { createRecordingLogger } from './support/recording-logger';
import { FakeCompanion } from '../main/electron/fake-companion.test-support';
import { ManualClock } from './support/manual-clock';
import { LaunchAtLogin, ShellSettingsFile } from '../main/electron/shell-settings';
import { TrayController } from '../main/electron/tray';
import {
  nextMenuChange,
  trayIconState,
  trayMenu,
  trayToolTip,
  type TrayMenuItem,
  type TrayState,
} from '../main/electron/tray-menu';
import type { FakeMenu } from './fakes/electron';
import {
  app,
  Menu,
  nativeImage,
  resetFakeElectron,
  Tray,
  type FakeNativeImage,
} from './fakes/electron';

const now = Date.parse('2026-11-23T15:00:00Z');
const inOneHour = new Date(now + 3_600_000).toISOString();
const anHourAgo = new Date(now - 3_600_000).toISOString();
const lines = [
  { id: 'line-personal', name: 'Jordan direct' },
  { id: 'line-front-desk', name: 'Front desk' },
];
const noMutes: Mutes = defaultUserPreferences().mutes;

function state(overrides: Partial<TrayState> = {}): TrayState {
  return {
    connection: { status: 'connected', since: now },
    lines,
    mutes: noMutes,
    launchAtLogin: false,
    now,
    timeZone: 'America/New_York',
    ...overrides,
  };
}

function find(items: readonly TrayMenuItem[], labels: readonly string[]): TrayMenuItem {
  let found: TrayMenuItem | undefined;
  let level: readonly TrayMenuItem[] | undefined = items;
  for (const label of labels) {
    found = level?.find((item) => item.label === label);
    level = found?.submenu;
  }
  if (!found) throw new Error(`no item ${labels.join(' ▸ ')}`);
  return found;
}

const labels = (items: readonly TrayMenuItem[] | undefined) =>
  (items ?? []).filter((item) => item.type !== 'separator').map((item) => item.label);

describe('the tray menu, a pure function of state', () => {
  it('lists the status, mute line, do not disturb, windows and quit, in that order', () => {
    const menu = trayMenu(state());
    expect(labels(menu)).toEqual([
      'Connected',
      'Mute line',
      'Do not disturb',
      'Open notifications',
      'Settings…',
      'Start at login',
      'Quit',
    ]);
    expect(find(menu, ['Connected']).enabled).toBe(false);
    expect(labels(find(menu, ['Mute line']).submenu)).toEqual(['Jordan direct', 'Front desk']);
    expect(labels(find(menu, ['Mute line', 'Front desk']).submenu)).toEqual([
      'For 1 hour',
      'Until tomorrow 8:00',
      'Until I unmute',
      'Unmute',
    ]);
    expect(find(menu, ['Mute line', 'Front desk', 'Unmute']).enabled).toBe(false);
    // The window's header offers the same list with the same words (common/mute-durations.ts).
    expect(labels(find(menu, ['Do not disturb']).submenu)).toEqual([
      'For 30 minutes',
      'For 1 hour',
      'For 2 hours',
      'Until tomorrow 8:00',
      'Until I turn it off',
      'Off',
    ]);
    expect(find(menu, ['Do not disturb', 'Off']).enabled).toBe(false);
    expect(trayIconState(state())).toBe('normal');
  });

  it.each<[ConnectionState, string]>([
    [{ status: 'connected', since: now }, 'Connected'],
    [{ status: 'connecting' }, 'Connecting…'],
    [
      { status: 'reconnecting', inSeconds: 4.2, attempt: 3, reason: 'socket closed' },
      'Reconnecting in 5 s',
    ],
    [{ status: 'offline', since: now, reason: 'no network' }, 'Offline: no network'],
    [{ status: 'refused', reason: 'the token was revoked' }, 'Refused: the token was revoked'],
  ])('shows the connection %j as "%s"', (connection, label) => {
    const menu = trayMenu(state({ connection }));
    expect(menu[0]).toMatchObject({ id: 'status', label, enabled: false });
    const expectedIcon =
      connection.status === 'connected' || connection.status === 'connecting'
        ? 'normal'
        : 'offline';
    expect(trayIconState(state({ connection }))).toBe(expectedIcon);
    expect(trayToolTip(state({ connection }))).toContain(label);
  });

  it('marks a muted line with its end in the user time zone and offers Unmute', () => {
    const mutes: Mutes = { ...noMutes, lines: [{ lineId: 'line-front-desk', until: inOneHour }] };
    const menu = trayMenu(state({ mutes }));
    // 16:00 UTC is 11:00 in New York.
    expect(labels(find(menu, ['Mute line']).submenu)).toEqual([
      'Jordan direct',
      'Front desk (muted until 11:00)',
    ]);
    const unmute = find(menu, ['Mute line', 'Front desk (muted until 11:00)', 'Unmute']);
    expect(unmute).toMatchObject({
      enabled: true,
      action: { kind: 'unmuteLine', lineId: 'line-front-desk' },
    });
    expect(trayIconState(state({ mutes }))).toBe('muted');
    expect(trayToolTip(state({ mutes }))).toBe('Ringside: Connected · 1 line muted');
    expect(nextMenuChange(state({ mutes }))).toBe(now + 3_600_000);
  });

  it('treats a mute that has ended as no mute', () => {
    const mutes: Mutes = { ...noMutes, lines: [{ lineId: 'line-front-desk', until: anHourAgo }] };
    expect(labels(find(trayMenu(state({ mutes })), ['Mute line']).submenu)).toContain('Front desk');
    expect(trayIconState(state({ mutes }))).toBe('normal');
    expect(nextMenuChange(state({ mutes }))).toBeNull();
  });

  it('shows do not disturb in the status and enables Off; offline still wins the icon', () => {
    const mutes: Mutes = { ...noMutes, doNotDisturb: { enabled: true, until: null } };
    const menu = trayMenu(state({ mutes }));
    expect(menu[1]).toMatchObject({ label: 'Do not disturb until you unmute', enabled: false });
    expect(find(menu, ['Do not disturb', 'Off'])).toMatchObject({
      enabled: true,
      action: { kind: 'doNotDisturb', duration: null },
    });
    expect(trayIconState(state({ mutes }))).toBe('muted');
    expect(
      trayIconState(state({ mutes, connection: { status: 'offline', since: now, reason: 'x' } })),
    ).toBe('offline');
  });

  it('disables the mute menus until preferences are loaded, and says when there are no lines', () => {
    const menu = trayMenu(state({ mutes: null, lines: [] }));
    expect(find(menu, ['Mute line']).enabled).toBe(false);
    expect(find(menu, ['Do not disturb']).enabled).toBe(false);
    expect(find(menu, ['Mute line', 'No lines yet']).enabled).toBe(false);
  });

  it('is pure: the same state gives the same menu', () => {
    expect(trayMenu(state())).toEqual(trayMenu(state()));
  });
});

describe('the tray menu under a managed policy', () => {
  it('shows mutes the organisation holds as set by it, disabled, and leaves the rest alone', () => {
    const locks = organisationLocks({
      lockedSettings: { 'mutes.doNotDisturb': { enabled: false, until: null } },
    });
    const menu = trayMenu(state({ locks }));
    const doNotDisturb = find(menu, ['Do not disturb (set by your organisation)']);
    expect(doNotDisturb.enabled).toBe(false);
    expect(find(menu, ['Mute line']).enabled).toBe(true);

    const everything = trayMenu(
      state({ locks: organisationLocks({ lockedSettings: { mutes: noMutes } }) }),
    );
    expect(find(everything, ['Mute line (set by your organisation)']).enabled).toBe(false);
    expect(find(everything, ['Do not disturb (set by your organisation)']).enabled).toBe(false);
  });
});

describe('the tray controller', () => {
  let folder: string;

  beforeEach(() => {
    resetFakeElectron();
    folder = mkdtempSync(path.join(tmpdir(), 'ringside-tray-'));
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  function setup(options: { managedLaunchAtLogin?: boolean } = {}) {
    const clock = new ManualClock(now);
    const companion = new FakeCompanion(undefined, () => clock.now());
    const logger = createRecordingLogger();
    const icons = {
      normal: nativeImage.createFromPath('/assets/tray/tray-32.png'),
      muted: nativeImage.createFromPath('/assets/tray/tray-muted-32.png'),
      offline: nativeImage.createFromPath('/assets/tray/tray-offline-32.png'),
    };
    const tray = new Tray(icons.normal);
    const launchAtLogin = new LaunchAtLogin({
      settings: new ShellSettingsFile({ file: path.join(folder, 'shell-settings.json'), logger }),
      loginItems: app,
      managed: options.managedLaunchAtLogin ?? null,
    });
    const opened: string[] = [];
    const controller = new TrayController<FakeMenu, FakeNativeImage>({
      tray,
      menu: Menu,
      icons,
      companion,
      clock,
      shell: {
        openSettings: () => opened.push('settings'),
        openNotifications: () => opened.push('notifications'),
        quit: () => opened.push('quit'),
        launchAtLogin: () => launchAtLogin.enabled(),
        launchAtLoginManaged: () => launchAtLogin.managed,
        setLaunchAtLogin: (enabled) => launchAtLogin.set(enabled),
      },
      logger,
      fallbackTimeZone: 'UTC',
    });
    return { clock, companion, logger, tray, controller, opened };
  }

  function menuOf(tray: Tray): FakeMenu {
    if (!tray.contextMenu) throw new Error('the tray has no menu');
    return tray.contextMenu;
  }

  it('rebuilds the menu when the connection and preferences change', async () => {
    const { companion, tray, controller } = setup();
    controller.start();
    await controller.idle();
    expect(menuOf(tray).items[0]?.label).toBe('Connecting…');
    expect(menuOf(tray).find(['Mute line'])?.enabled).toBe(false);
    companion.signIn('UTC');
    await controller.idle();
    expect(menuOf(tray).items[0]?.label).toBe('Connected');
    expect(menuOf(tray).find(['Mute line', 'Front desk'])).toBeDefined();
    companion.connection.set({ status: 'reconnecting', inSeconds: 8, attempt: 2, reason: 'x' });
    expect(menuOf(tray).items[0]?.label).toBe('Reconnecting in 8 s');
    expect(tray.image.path).toContain('tray-offline-32.png');
    controller.stop();
  });

  it('shows each health notice under the status while it lasts (a damaged database set aside)', async () => {
    const { companion, tray, controller } = setup();
    controller.start();
    companion.signIn('UTC');
    await controller.idle();
    const message =
      "Ringside's local database was damaged (the file is corrupt), so it was set aside as ringside.damaged-2026-12-04T170218Z.sqlite and a fresh one is being filled from the service; 2 settings changes made offline were recovered and will sync.";
    companion.health.set([{ code: 'storeRecovered', message }]);
    const line = menuOf(tray).items[1];
    expect(line?.enabled).toBe(false);
    expect(line?.label).toBe(`${message.slice(0, 139)}…`);
    companion.health.set([]);
    expect(menuOf(tray).items.map((item) => item.label)).not.toContain(line?.label);
    controller.stop();
  });

  it('counts "reconnecting in N s" down each second, and stops at zero', () => {
    const { clock, companion, tray, controller } = setup();
    controller.start();
    companion.connection.set({ status: 'reconnecting', inSeconds: 8, attempt: 2, reason: 'x' });
    clock.advance(3000);
    expect(menuOf(tray).items[0]?.label).toBe('Reconnecting in 5 s');
    clock.advance(20_000);
    expect(menuOf(tray).items[0]?.label).toBe('Reconnecting in 0 s');
    expect(clock.pendingTimers).toBe(0);
    // A new attempt starts a new count.
    companion.connection.set({ status: 'reconnecting', inSeconds: 16, attempt: 3, reason: 'x' });
    expect(menuOf(tray).items[0]?.label).toBe('Reconnecting in 16 s');
    companion.connection.set({ status: 'connected', since: clock.now() });
    expect(menuOf(tray).items[0]?.label).toBe('Connected');
    expect(clock.pendingTimers).toBe(0);
    controller.stop();
  });

  it('a line mute chosen in the tray calls the Companion with that line and duration', async () => {
    const { companion, tray, controller } = setup();
    controller.start();
    companion.signIn('UTC');
    await controller.idle();
    menuOf(tray).click(['Mute line', 'Front desk', 'For 1 hour']);
    await controller.idle();
    expect(companion.calls.filter((call) => call.method === 'muteLine')).toEqual([
      { method: 'muteLine', args: { lineId: 'line-front-desk', duration: 'oneHour' } },
    ]);
    expect(menuOf(tray).find(['Mute line', 'Front desk (muted until 16:00)'])).toBeDefined();
    expect(tray.image.path).toContain('tray-muted-32.png');

    menuOf(tray).click(['Mute line', 'Jordan direct', 'Until tomorrow 8:00']);
    menuOf(tray).click(['Do not disturb', 'Until I turn it off']);
    await controller.idle();
    expect(companion.calls.slice(-2)).toEqual([
      { method: 'muteLine', args: { lineId: 'line-personal', duration: 'untilTomorrowMorning' } },
      { method: 'setDoNotDisturb', args: { duration: 'untilUnmuted' } },
    ]);
    menuOf(tray).click(['Do not disturb', 'Off']);
    menuOf(tray).click(['Mute line', 'Front desk (muted until 16:00)', 'Unmute']);
    await controller.idle();
    expect(companion.calls.slice(-2)).toEqual([
      { method: 'setDoNotDisturb', args: { duration: null } },
      { method: 'unmuteLine', args: { lineId: 'line-front-desk' } },
    ]);
    controller.stop();
  });

  it('rebuilds the menu when a mute ends, without any other change', async () => {
    const { clock, companion, tray, controller } = setup();
    controller.start();
    companion.signIn('UTC');
    await controller.idle();
    menuOf(tray).click(['Mute line', 'Front desk', 'For 1 hour']);
    await controller.idle();
    expect(tray.image.path).toContain('tray-muted-32.png');
    clock.advance(3_600_000 + 1000);
    expect(menuOf(tray).find(['Mute line', 'Front desk'])).toBeDefined();
    expect(tray.image.path).toContain('tray-32.png');
    expect(clock.pendingTimers).toBe(0);
    controller.stop();
  });

  it('logs a refused mute instead of throwing into the menu', async () => {
    const { companion, tray, controller, logger } = setup();
    controller.start();
    companion.signIn('UTC');
    await controller.idle();
    companion.failures.set('muteLine', new CompanionError('unavailable', 'The store is closed.'));
    menuOf(tray).click(['Mute line', 'Front desk', 'For 1 hour']);
    await controller.idle();
    expect(logger.lines.some((line) => line.message === 'tray: action refused')).toBe(true);
    expect(menuOf(tray).find(['Mute line', 'Front desk'])).toBeDefined();
  });

  it('opens windows, quits, and keeps "start at login" in the shell settings file', async () => {
    const { tray, controller, opened } = setup();
    controller.start();
    menuOf(tray).click(['Open notifications']);
    menuOf(tray).click(['Settings…']);
    menuOf(tray).click(['Quit']);
    await controller.idle();
    expect(opened).toEqual(['notifications', 'settings', 'quit']);

    expect(menuOf(tray).find(['Start at login'])?.checked).toBe(false);
    menuOf(tray).click(['Start at login']);
    await controller.idle();
    expect(app.loginItemSettings).toEqual({ openAtLogin: true });
    expect(JSON.parse(readFileSync(path.join(folder, 'shell-settings.json'), 'utf8'))).toEqual({
      launchAtLogin: true,
    });
    expect(menuOf(tray).find(['Start at login'])?.checked).toBe(true);
  });

  it('shows "start at login" as the policy sets it, disabled, and a click changes nothing', async () => {
    const { tray, controller } = setup({ managedLaunchAtLogin: true });
    controller.start();
    await controller.idle();
    const label = 'Start at login (set by your organisation)';
    const item = menuOf(tray).find([label]);
    expect(item?.checked).toBe(true);
    expect(item?.enabled).toBe(false);
    expect(menuOf(tray).find(['Start at login'])).toBeUndefined();
    // Electron sends no click to a disabled item; the fake refuses it, and none is wired anyway.
    expect(() => menuOf(tray).click([label])).toThrow(/disabled/);
    expect(item?.click).toBeUndefined();
    await controller.idle();
    expect(menuOf(tray).find([label])?.checked).toBe(true);
    expect(existsSync(path.join(folder, 'shell-settings.json'))).toBe(false);
  });

  it('shows a policy that keeps "start at login" off as off, disabled', () => {
    const item = trayMenu(state({ launchAtLogin: false, launchAtLoginManaged: true })).find(
      (entry) => entry.id === 'launch-at-login',
    );
    expect(item).toMatchObject({
      label: 'Start at login (set by your organisation)',
      enabled: false,
      checked: false,
    });
    expect(item?.action).toBeUndefined();
  });
});
