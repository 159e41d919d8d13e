import path from 'node:path';
import type { HealthNotice, ManagedPolicy } from '../../common';
import type { Companion, CompanionCalls } from '../core/companion-api';
import type { Clock, Logger, NotifierPort } from '../core/ports';
import { appScheme, createAppProtocolHandler } from './app-protocol';
import { appIconFile, trayIconFile } from './assets';
import type {
  AppPort,
  CreateBrowserWindow,
  MenuPort,
  NativeImagePort,
  NotificationConstructorPort,
  PowerMonitorPort,
  SessionPort,
  ShellPort,
  TrayPort,
} from './electron-ports';
import { defaultExternalHosts, ExternalLinks } from './external-links';
import { companionCalls, type TypedIpcMain, type TypedIpcMainOptions } from './ipc-main';
import { OwnPages } from './own-pages';
import { PowerWatch, ReplanGuard, type RepeatingTimer } from './power';
import {
  loadServiceFile,
  type SafeStoragePort,
  type ServiceSettings,
} from './service-configuration';
import { contentSecurityPolicy, secureSession } from './session-security';
import { LaunchAtLogin, ShellSettingsFile, XdgAutostart } from './shell-settings';
import {
  platformPolicyReader,
  readShellPolicy,
  serviceUnderPolicy,
  type PolicyReader,
} from './shell-policy';
import { TrayController } from './tray';
import type { TrayIconState } from './tray-menu';
import { createShellNotifier, type ShellNotifier } from './shell-notifier';
import { SettingsWindow } from './windows';

/** What the shell passes `createCompanion` (a subset of the core's `CompanionOptions`). */
export interface ShellCompanionOptions {
  /** `app.getPath('userData')`: the core keeps each user's database in `users/<id>/`. */
  dataDir: string;
  serviceUrl: string;
  token: string;
  notifier: NotifierPort;
  clock: Clock;
  logger: Logger;
  /** What the shell already knows to tell (the token kept without the OS keychain, the policy). */
  notices: HealthNotice[];
  /** The managed policy applied whole, or null: its locked settings are the core's to hold. */
  policy: ManagedPolicy | null;
}

/** Where the service is: configured, or the embedded demo service started on demand. */
export interface ServiceTarget {
  serviceUrl: string;
  token: string;
  /** Stops what was started for it (the demo service); nothing for a configured one. */
  stop(): Promise<void>;
}

export interface DemoServicePort {
  start(options: { dataDir: string }): Promise<ServiceTarget>;
}

/** Everything the shell is built from: Electron's parts, the core's factory, places and time. */
export interface ShellDependencies<BuiltMenu, Image extends NativeImagePort> {
  app: AppPort;
  createWindow: CreateBrowserWindow;
  createTray(image: Image): TrayPort<BuiltMenu, Image>;
  menu: MenuPort<BuiltMenu>;
  loadImage(file: string): Image;
  Notification: NotificationConstructorPort;
  shell: ShellPort;
  session: SessionPort;
  powerMonitor: PowerMonitorPort;
  createIpc(options: Omit<TypedIpcMainOptions, 'ipcMain'>): TypedIpcMain;
  createCompanion(options: ShellCompanionOptions): Companion;
  platform: NodeJS.Platform;
  paths: {
    userData: string;
    preload: string;
    rendererFolder: string;
    assetsFolder: string;
  };
  /** The renderer's dev server (development only), or null for the built page. */
  devServerUrl: string | null;
  /**
   * A service from the environment (RINGSIDE_SERVICE_URL + RINGSIDE_TOKEN), or null: then
   * `<userData>/service.json` (its token sealed with `safeStorage`), else the demo service.
   */
  service: ServiceSettings | null;
  safeStorage: SafeStoragePort;
  demoService: DemoServicePort;
  clock: Clock;
  monotonicNow: () => number;
  every: (callback: () => void, milliseconds: number) => RepeatingTimer;
  logger: Logger;
  /**
   * The session D-Bus (`sessionBusAddress(process.env)`): on Linux, pop-ups go over it when
   * there is one (`chooseNotifier`). Absent or null: there is none.
   */
  sessionBusAddress?: string | null;
  appUserModelId: string;
  /** Linux only: where the XDG autostart entry goes and what it runs (no login items there). */
  linuxAutostart?: { configFolder: string; executable: string };
  externalHosts?: readonly string[];
  /**
   * Reads the managed policy (default: the platform's place, `platformPolicyReader`); tests
   * read a policy file of theirs through it.
   */
  readPolicy?: PolicyReader;
}

/** The running shell, for the entry point (quit) and tests. */
export interface Shell<BuiltMenu, Image extends NativeImagePort> {
  companion: Companion;
  ipc: TypedIpcMain;
  settingsWindow: SettingsWindow;
  tray: TrayController<BuiltMenu, Image>;
  power: PowerWatch;
  notifier: ShellNotifier;
  launchAtLogin: LaunchAtLogin;
  stop(): Promise<void>;
}

/**
 * The desktop shell's composition root (Fiddle's `onReady`): one flat list of setup calls over
 * the same core as headless, each part given its dependencies. Call it once `app` is ready and
 * the single-instance lock is held (see `claimSingleInstance`).
 */
export async function onReady<BuiltMenu, Image extends NativeImagePort>(
  dependencies: ShellDependencies<BuiltMenu, Image>,
): Promise<Shell<BuiltMenu, Image>> {
  const { app, platform, paths, logger, clock } = dependencies;

  // The organisation's policy first: it may name the service and holds settings the core applies.
  const managed = await readShellPolicy(
    dependencies.readPolicy ?? platformPolicyReader(platform),
    logger,
  );

  // Windows shows and clicks through pop-ups only for an app with an AppUserModelId.
  if (platform === 'win32') app.setAppUserModelId(dependencies.appUserModelId);

  const pages = new OwnPages({ devServerUrl: dependencies.devServerUrl });
  secureSession(dependencies.session, pages);
  // The built page, from app://ringside/ only (the scheme was made privileged before ready).
  dependencies.session.protocol.handle(
    appScheme,
    createAppProtocolHandler({ rendererFolder: paths.rendererFolder, contentSecurityPolicy }),
  );
  const links = new ExternalLinks({
    shell: dependencies.shell,
    allowedHosts: dependencies.externalHosts ?? defaultExternalHosts,
    logger,
  });

  const notifier = createShellNotifier({
    platform,
    sessionBusAddress: dependencies.sessionBusAddress ?? null,
    Notification: dependencies.Notification,
    clock,
    logger,
  });
  const configured = dependencies.service
    ? { service: dependencies.service, notices: [] }
    : await loadServiceFile({
        file: path.join(paths.userData, 'service.json'),
        safeStorage: dependencies.safeStorage,
        platform,
        logger,
      });
  const chosen = serviceUnderPolicy(configured.service, managed.policy, logger);
  const service: ServiceTarget = chosen
    ? { ...chosen, stop: () => Promise.resolve() }
    : await dependencies.demoService.start({ dataDir: paths.userData });
  const companion = dependencies.createCompanion({
    dataDir: paths.userData,
    serviceUrl: service.serviceUrl,
    token: service.token,
    notifier,
    clock,
    logger,
    notices: [...managed.notices, ...configured.notices],
    policy: managed.policy,
  });

  const overrides: Partial<CompanionCalls> = { openExternal: ({ url }) => links.open(url) };
  const ipc = dependencies.createIpc({
    calls: companionCalls(companion, overrides),
    pages,
    logger,
  });
  ipc.start();
  const unsubscribe = forwardEvents(companion, ipc);

  const settingsWindow = new SettingsWindow({
    createWindow: dependencies.createWindow,
    preload: paths.preload,
    url: pages.indexUrl(),
    icon: platform === 'darwin' ? null : appIconFile(paths.assetsFolder),
    pages,
    links,
    onCreated: (webContents) => ipc.registerWindow(webContents),
    navigate: (webContentsId, section, itemId) =>
      ipc.send('navigate', { section, itemId }, webContentsId),
    logger,
  });
  unsubscribe.push(
    companion.onOpenItem((itemId) => settingsWindow.show({ section: 'notifications', itemId })),
    // "Call back" on a missed call's pop-up: the softphone, through the checked link path.
    companion.onCallBack(({ number }) => void links.openPhoneNumber(number)),
  );
  app.on('second-instance', () => settingsWindow.show());
  // The companion lives in the tray: closing the window must not quit it.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => settingsWindow.show());

  const launchAtLogin = new LaunchAtLogin({
    settings: new ShellSettingsFile({
      file: path.join(paths.userData, 'shell-settings.json'),
      logger,
    }),
    loginItems:
      platform === 'linux' && dependencies.linuxAutostart
        ? new XdgAutostart(dependencies.linuxAutostart)
        : app,
    managed: managed.policy?.launchAtLogin ?? null,
  });
  launchAtLogin.apply();

  const icons = trayIcons(dependencies);
  const tray = new TrayController({
    tray: dependencies.createTray(icons.normal),
    menu: dependencies.menu,
    icons,
    companion,
    clock,
    shell: {
      openSettings: () => settingsWindow.show(),
      openNotifications: () => settingsWindow.show({ section: 'notifications', itemId: null }),
      quit: () => app.quit(),
      launchAtLogin: () => launchAtLogin.enabled(),
      launchAtLoginManaged: () => launchAtLogin.managed,
      setLaunchAtLogin: (enabled) => launchAtLogin.set(enabled),
    },
    logger,
    fallbackTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  tray.start();

  const power = new PowerWatch({
    powerMonitor: dependencies.powerMonitor,
    guard: new ReplanGuard({
      replan: (reason) => companion.replan(reason),
      monotonicNow: dependencies.monotonicNow,
    }),
    wallNow: () => clock.now(),
    monotonicNow: dependencies.monotonicNow,
    every: dependencies.every,
  });
  power.start();

  // A refused token or an unreachable service is a state the tray shows, not a crash.
  await companion.start().catch((error: unknown) => {
    logger.error('companion did not start', { error: String(error) });
  });

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      power.stop();
      tray.stop();
      for (const release of unsubscribe.splice(0)) release();
      ipc.stop();
      dependencies.session.protocol.unhandle(appScheme);
      await companion.stop();
      notifier.dispose();
      await service.stop();
    })();
    return stopped;
  };
  return { companion, ipc, settingsWindow, tray, power, notifier, launchAtLogin, stop };
}

/** Every change the core reports, as an event to the settings window (held until it is ready). */
function forwardEvents(companion: Companion, ipc: TypedIpcMain): Array<() => void> {
  return [
    companion.connection.subscribe((state) => ipc.send('connectionChanged', state)),
    companion.sync.subscribe((status) => ipc.send('syncChanged', status)),
    companion.preferences.subscribe((snapshot) => {
      if (snapshot) ipc.send('preferencesChanged', snapshot);
    }),
    companion.health.subscribe((notices) => ipc.send('healthChanged', notices)),
    companion.unread.subscribe((unread) => ipc.send('notificationsChanged', { unread })),
    companion.onDecision((item) => ipc.send('activityAdded', item)),
    // Already at most every 250 ms (main/core/catch-up-progress.ts).
    companion.catchUp.subscribe((progress) => ipc.send('catchUpChanged', progress)),
    // The same row again (the service reported on a local alert): the window replaces it.
    companion.onActivityUpdated((item) => ipc.send('activityAdded', item)),
  ];
}

function trayIcons<BuiltMenu, Image extends NativeImagePort>(
  dependencies: ShellDependencies<BuiltMenu, Image>,
): Record<TrayIconState, Image> {
  const load = (state: TrayIconState) => {
    const image = dependencies.loadImage(
      trayIconFile(dependencies.paths.assetsFolder, state, dependencies.platform),
    );
    if (dependencies.platform === 'darwin') image.setTemplateImage(true);
    return image;
  };
  return { normal: load('normal'), muted: load('muted'), offline: load('offline') };
}

/**
 * Holds the single-instance lock before anything else starts: a second launch quits at once and
 * the first one (told through `second-instance`) shows its window. Returns whether this is the
 * first instance.
 */
export function claimSingleInstance(
  app: Pick<AppPort, 'requestSingleInstanceLock' | 'quit'>,
): boolean {
  if (app.requestSingleInstanceLock()) return true;
  app.quit();
  return false;
}
