import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  app,
  BrowserWindow,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
  utilityProcess,
} from 'electron';
import { z } from 'zod';
import { createCompanion } from '../core/companion';
import { sessionBusAddress } from '../core/delivery';
import { createSystemClock, type Logger } from '../core/ports';
import { registerAppScheme } from './app-protocol';
import { UtilityProcessDemoService } from './demo-service';
import { createTypedIpcMain } from './ipc-main';
import { claimSingleInstance, onReady, type Shell } from './main';
import type { ServiceSettings } from './service-configuration';
import { everyInterval } from './power';
import { installTestHooks } from './test-hooks';

/**
 * The Electron entry point (bundled to dist/main/electron-main.cjs): hold the single-instance
 * lock, then hand Electron's real objects to `onReady`. Nothing else happens here, so the
 * composition can be tested with the shared fake.
 */

/** The bundle's folder: dist/main/ (preload, renderer, assets and the service sit beside it). */
const bundleFolder = path.dirname(fileURLToPath(import.meta.url));
const distFolder = path.resolve(bundleFolder, '..');

const environmentServiceSchema = z.strictObject({
  serviceUrl: z.url(),
  token: z.string().min(1).max(4096),
});

function createConsoleLogger(): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(
      `${JSON.stringify({ at: new Date().toISOString(), level, message, ...fields })}\n`,
    );
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

/**
 * The service given in the environment (RINGSIDE_SERVICE_URL and RINGSIDE_TOKEN, both or
 * neither), else null: `onReady` then reads `<userData>/service.json`.
 */
function serviceFromEnvironment(): ServiceSettings | null {
  const serviceUrl = process.env['RINGSIDE_SERVICE_URL'];
  const token = process.env['RINGSIDE_TOKEN'];
  if (!serviceUrl && !token) return null;
  return environmentServiceSchema.parse({ serviceUrl, token });
}

function main(): void {
  // Every renderer sandboxed, whatever a later window's options say (before ready, or it is ignored).
  app.enableSandbox();
  // app://ringside/ serves the settings window (app-protocol.ts); privileges only before ready.
  registerAppScheme(protocol);
  const logger = createConsoleLogger();
  // Tests and e2e runs give each launch a fresh profile folder.
  const userDataOverride = process.env['RINGSIDE_USER_DATA'];
  if (userDataOverride) app.setPath('userData', userDataOverride);
  if (!claimSingleInstance(app)) return;

  let shell_: Shell<Electron.Menu | null, Electron.NativeImage> | null = null;
  app.on('before-quit', (event) => {
    if (!shell_) return;
    // Stop the core (closes the database, the socket, the demo service) before exiting.
    const running = shell_;
    shell_ = null;
    event.preventDefault();
    void running.stop().finally(() => app.quit());
  });

  void app.whenReady().then(async () => {
    const userData = app.getPath('userData');
    const started = await onReady<Electron.Menu | null, Electron.NativeImage>({
      app,
      createWindow: (options) => new BrowserWindow(options),
      createTray: (image) => new Tray(image),
      menu: Menu,
      loadImage: (file) => nativeImage.createFromPath(file),
      Notification,
      shell,
      session: session.defaultSession,
      powerMonitor,
      createIpc: createTypedIpcMain,
      createCompanion,
      platform: process.platform,
      paths: {
        userData,
        preload: path.join(distFolder, 'preload', 'preload.cjs'),
        rendererFolder: path.join(distFolder, 'renderer'),
        assetsFolder: path.join(distFolder, 'assets'),
      },
      devServerUrl: app.isPackaged ? null : (process.env['RINGSIDE_RENDERER_URL'] ?? null),
      service: serviceFromEnvironment(),
      safeStorage,
      demoService: new UtilityProcessDemoService({
        fork: (modulePath, args) =>
          utilityProcess.fork(modulePath, args, { stdio: 'pipe', serviceName: 'Ringside demo' }),
        serviceModule: path.join(distFolder, 'service', 'service-cli.cjs'),
        logger,
        playScenario: process.env['RINGSIDE_DEMO_SCENARIO'] !== 'off',
      }),
      clock: createSystemClock(),
      monotonicNow: () => performance.now(),
      every: everyInterval,
      logger,
      sessionBusAddress: process.platform === 'linux' ? sessionBusAddress(process.env) : null,
      appUserModelId: 'com.ringside.companion',
      linuxAutostart: {
        configFolder: process.env['XDG_CONFIG_HOME'] ?? path.join(app.getPath('home'), '.config'),
        // An AppImage runs from a temporary mount: autostart must name the AppImage itself.
        executable: process.env['APPIMAGE'] ?? process.execPath,
      },
    });
    shell_ = started;
    if (!app.isPackaged && process.env['RINGSIDE_TEST_HOOKS'] === '1') installTestHooks(started);
    logger.info('ringside shell ready');
  });
}

main();
