import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingLogger } from './support/recording-logger';
import { LaunchAtLogin, ShellSettingsFile, XdgAutostart } from '../main/electron/shell-settings';
import { app, resetFakeElectron } from './fakes/electron';

let folder: string;

beforeEach(() => {
  resetFakeElectron();
  folder = mkdtempSync(path.join(tmpdir(), 'ringside-shell-settings-'));
});

afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('the shell settings file', () => {
  it('defaults when absent or invalid, and writes only valid settings', () => {
    const logger = createRecordingLogger();
    const file = path.join(folder, 'nested', 'shell-settings.json');
    const settings = new ShellSettingsFile({ file, logger });
    expect(settings.read()).toEqual({ launchAtLogin: false });
    settings.write({ launchAtLogin: true });
    expect(settings.read()).toEqual({ launchAtLogin: true });
    writeFileSync(file, '{"launchAtLogin": "yes"}');
    expect(settings.read()).toEqual({ launchAtLogin: false });
    writeFileSync(file, 'not json');
    expect(settings.read()).toEqual({ launchAtLogin: false });
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(2);
    expect(() => settings.write({ launchAtLogin: 'yes' } as never)).toThrow();
  });
});

describe('start at login', () => {
  it('applies the stored preference to the OS login items at start', () => {
    const logger = createRecordingLogger();
    const settings = new ShellSettingsFile({ file: path.join(folder, 's.json'), logger });
    settings.write({ launchAtLogin: true });
    new LaunchAtLogin({ settings, loginItems: app }).apply();
    expect(app.loginItemSettings).toEqual({ openAtLogin: true });
  });

  it('on Linux, writes and removes an XDG autostart entry', () => {
    const logger = createRecordingLogger();
    const autostart = new XdgAutostart({
      configFolder: path.join(folder, 'config'),
      executable: '/opt/Ring "side"/ringside',
    });
    const launch = new LaunchAtLogin({
      settings: new ShellSettingsFile({ file: path.join(folder, 's.json'), logger }),
      loginItems: autostart,
    });
    launch.apply();
    expect(existsSync(autostart.file)).toBe(false);
    launch.set(true);
    expect(autostart.file).toBe(path.join(folder, 'config', 'autostart', 'ringside.desktop'));
    const entry = readFileSync(autostart.file, 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec="/opt/Ring \\"side\\"/ringside"');
    launch.set(false);
    expect(existsSync(autostart.file)).toBe(false);
    expect(launch.enabled()).toBe(false);
  });
});
