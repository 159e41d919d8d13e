import { execFile, spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../ports';

/**
 * GNOME's do-not-disturb is the setting `org.gnome.desktop.notifications show-banners`. It is
 * in dconf, which has no D-Bus way to read it, and the settings portal does not serve that
 * schema (xdg-desktop-portal-gnome's settings.c lists the schemas it serves). So it is read with
 * one `gsettings get` when GNOME Shell becomes the daemon, and followed by one long-lived
 * `gsettings monitor` — never a process per pop-up.
 */

const schema = 'org.gnome.desktop.notifications';
const key = 'show-banners';

export interface GnomeBannersWatch {
  stop(): void;
}

/** "true", "show-banners: false" → the boolean; anything else → null. */
export function parseShowBanners(line: string): boolean | null {
  const value = line.trim().replace(/^show-banners:\s*/, '');
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

/**
 * Follows `show-banners`: `onChange` with its value now (when it can be read), then with each
 * change. A missing `gsettings` or schema is logged once and read as "banners shown".
 */
export function watchGnomeBanners(options: {
  environment: NodeJS.ProcessEnv;
  onChange: (showBanners: boolean) => void;
  logger?: Logger;
}): GnomeBannersWatch {
  let stopped = false;
  let monitor: ChildProcess | null = null;
  const notRead = (reason: string) =>
    options.logger?.warn('GNOME do-not-disturb cannot be read', { reason });
  execFile(
    'gsettings',
    ['get', schema, key],
    { env: options.environment, timeout: 2_000, windowsHide: true },
    (error, stdout) => {
      if (stopped) return;
      if (error) {
        notRead(error.message);
        return;
      }
      const value = parseShowBanners(String(stdout));
      if (value !== null) options.onChange(value);
    },
  );
  try {
    monitor = spawn('gsettings', ['monitor', schema, key], {
      env: options.environment,
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    });
    monitor.once('error', (error) => notRead(error.message));
    let pending = '';
    monitor.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const value = parseShowBanners(line);
        if (value !== null && !stopped) options.onChange(value);
      }
    });
    // The watch must not keep the process alive on its own.
    monitor.unref();
    (monitor.stdout as { unref?: () => void } | null)?.unref?.();
  } catch (error) {
    notRead(String(error));
  }
  return {
    stop() {
      stopped = true;
      if (monitor && monitor.exitCode === null) monitor.kill();
      monitor = null;
    },
  };
}
