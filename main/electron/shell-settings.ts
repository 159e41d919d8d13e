import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../core/ports';
import { ensurePrivateFolder, writePrivateFile } from '../core/private-files';

/**
 * Settings of the desktop shell itself, not of the signed-in user: whether the app starts at
 * login belongs to the OS account, so it lives in `<userData>/shell-settings.json`, not in a
 * user's database (and does not sync). Read with a schema, falling back to the default.
 */
export const shellSettingsSchema = z.strictObject({ launchAtLogin: z.boolean() });
export type ShellSettings = z.infer<typeof shellSettingsSchema>;

export const defaultShellSettings: ShellSettings = { launchAtLogin: false };

export class ShellSettingsFile {
  readonly #file: string;
  readonly #logger: Logger;

  constructor(options: { file: string; logger: Logger }) {
    this.#file = options.file;
    this.#logger = options.logger;
  }

  get file(): string {
    return this.#file;
  }

  read(): ShellSettings {
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch {
      return { ...defaultShellSettings };
    }
    try {
      const parsed = shellSettingsSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // Unparseable JSON falls through to the default, like an invalid document.
    }
    this.#logger.warn('shell settings: invalid file, using defaults', { file: this.#file });
    return { ...defaultShellSettings };
  }

  /** Owner-only, through a temporary file and a rename: a crash leaves the old or the new file. */
  write(settings: ShellSettings): void {
    const valid = shellSettingsSchema.parse(settings);
    ensurePrivateFolder(path.dirname(this.#file));
    writePrivateFile(this.#file, `${JSON.stringify(valid, null, 2)}\n`);
  }
}

/** Where "start at login" is registered with the OS. */
export interface LoginItemPort {
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

/**
 * Linux has no `app.setLoginItemSettings` (Electron supports it on macOS and Windows only): the
 * XDG way is a desktop entry in `~/.config/autostart/`, written or removed here.
 */
export class XdgAutostart implements LoginItemPort {
  readonly #file: string;
  readonly #executable: string;

  constructor(options: { configFolder: string; executable: string }) {
    this.#file = path.join(options.configFolder, 'autostart', 'ringside.desktop');
    this.#executable = options.executable;
  }

  get file(): string {
    return this.#file;
  }

  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    if (!settings.openAtLogin) {
      rmSync(this.#file, { force: true });
      return;
    }
    mkdirSync(path.dirname(this.#file), { recursive: true });
    // Exec quoting per the Desktop Entry spec: the path in double quotes, `"`, `` ` ``, `$`, `\` escaped.
    const quoted = `"${this.#executable.replace(/(["`$\\])/g, '\\$1')}"`;
    writeFileSync(
      this.#file,
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Ringside',
        'Comment=Desktop notifications for your phone system',
        `Exec=${quoted}`,
        'X-GNOME-Autostart-enabled=true',
        'Terminal=false',
        '',
      ].join('\n'),
    );
  }
}

/**
 * "Start at login": the preference in the settings file, applied to the OS login items; or the
 * managed policy's `launchAtLogin`, which the person cannot change.
 */
export class LaunchAtLogin {
  readonly #settings: ShellSettingsFile;
  readonly #loginItems: LoginItemPort;
  readonly #managed: boolean | null;
  /** Read once: the tray asks on every render, and only `set` changes it. */
  #enabled: boolean | null = null;

  constructor(options: {
    settings: ShellSettingsFile;
    loginItems: LoginItemPort;
    /** The managed policy's value (policy > user), or null when the policy does not set it. */
    managed?: boolean | null;
  }) {
    this.#settings = options.settings;
    this.#loginItems = options.loginItems;
    this.#managed = options.managed ?? null;
  }

  /** Whether the organisation decides it (the tray's item then cannot change it). */
  get managed(): boolean {
    return this.#managed !== null;
  }

  enabled(): boolean {
    this.#enabled ??= this.#managed ?? this.#settings.read().launchAtLogin;
    return this.#enabled;
  }

  /** Makes the OS match the stored preference (at start: the user may have changed it there). */
  apply(): void {
    this.#loginItems.setLoginItemSettings({ openAtLogin: this.enabled() });
  }

  set(enabled: boolean): void {
    // Held by the organisation: the person's choice is not stored and the OS keeps the policy's.
    if (this.#managed !== null) return;
    this.#settings.write({ ...this.#settings.read(), launchAtLogin: enabled });
    this.#enabled = enabled;
    this.apply();
  }
}
