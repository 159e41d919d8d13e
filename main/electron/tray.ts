import type { ConnectionState } from '../../common';
import type { Clock, Logger, TimerHandle } from '../core/ports';
import type { Companion } from '../core/companion-api';
import type { MenuPort, NativeImagePort, TrayPort } from './electron-ports';
import {
  nextMenuChange,
  toMenuTemplate,
  trayIconState,
  trayMenu,
  trayToolTip,
  type TrayAction,
  type TrayIconState,
  type TrayLine,
  type TrayMenuItem,
  type TrayState,
} from './tray-menu';

/** What the tray needs from the core: the observables it shows and the mute calls. */
export type TrayCompanion = Pick<
  Companion,
  | 'connection'
  | 'preferences'
  | 'health'
  | 'getSession'
  | 'muteLine'
  | 'unmuteLine'
  | 'setDoNotDisturb'
>;

/** What the tray opens or changes outside the core (windows, the login item, quitting). */
export interface TrayShellActions {
  openSettings(): void;
  openNotifications(): void;
  quit(): void;
  launchAtLogin(): boolean;
  /** Whether the organisation's managed policy sets "start at login" (the person cannot). */
  launchAtLoginManaged(): boolean;
  setLaunchAtLogin(enabled: boolean): void;
}

export interface TrayControllerOptions<BuiltMenu, Image extends NativeImagePort> {
  tray: TrayPort<BuiltMenu, Image>;
  menu: MenuPort<BuiltMenu>;
  icons: Record<TrayIconState, Image>;
  companion: TrayCompanion;
  clock: Clock;
  shell: TrayShellActions;
  logger: Logger;
  /** Used until preferences (with the user's time zone) are loaded. */
  fallbackTimeZone: string;
}

/**
 * Keeps the tray's menu, icon and tooltip equal to `trayMenu(state)`: it listens to the
 * connection and preferences, re-reads the profile's lines when connected, and re-renders when a
 * mute ends. Clicks become Companion calls, so a tray mute goes through the store and sync like
 * one made in the settings window.
 */
export class TrayController<BuiltMenu, Image extends NativeImagePort> {
  readonly #options: TrayControllerOptions<BuiltMenu, Image>;
  readonly #unsubscribe: Array<() => void> = [];
  #lines: readonly TrayLine[] = [];
  #expiryTimer: TimerHandle | null = null;
  #countdownTimer: TimerHandle | null = null;
  /** The reconnecting state last seen and when: the menu counts its seconds down. */
  #reconnecting: { state: ConnectionState; seenAt: number } | null = null;
  #model: TrayMenuItem[] = [];
  #pending = new Set<Promise<void>>();

  constructor(options: TrayControllerOptions<BuiltMenu, Image>) {
    this.#options = options;
  }

  /** Subscribes and renders the first menu. */
  start(): void {
    const { companion } = this.#options;
    this.#unsubscribe.push(
      companion.connection.subscribe((connection) => {
        if (connection.status === 'connected') this.#track(this.refreshLines());
        this.render();
      }),
      companion.preferences.subscribe(() => this.render()),
      companion.health.subscribe(() => this.render()),
    );
    this.render();
    this.#track(this.refreshLines());
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#clearTimers();
  }

  #clearTimers(): void {
    const { clock } = this.#options;
    if (this.#expiryTimer) clock.clearTimeout(this.#expiryTimer);
    if (this.#countdownTimer) clock.clearTimeout(this.#countdownTimer);
    this.#expiryTimer = null;
    this.#countdownTimer = null;
  }

  /** The menu as last rendered (for tests and the e2e hooks). */
  get model(): readonly TrayMenuItem[] {
    return this.#model;
  }

  /** Settles when every click and profile read started so far has finished. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Re-reads the profile's lines; before sign-in there are none, which is not an error. */
  async refreshLines(): Promise<void> {
    try {
      const session = await this.#options.companion.getSession();
      this.#lines = session.profile.lines.map((line) => ({ id: line.id, name: line.name }));
      this.render();
    } catch (error) {
      this.#options.logger.info('tray: no profile yet', { reason: String(error) });
    }
  }

  state(): TrayState {
    const { companion, clock, shell, fallbackTimeZone } = this.#options;
    const snapshot = companion.preferences.get();
    return {
      connection: this.#countedDown(companion.connection.get(), clock.now()),
      lines: this.#lines,
      mutes: snapshot?.preferences.mutes ?? null,
      launchAtLogin: shell.launchAtLogin(),
      launchAtLoginManaged: shell.launchAtLoginManaged(),
      locks: snapshot?.locks ?? [],
      now: clock.now(),
      timeZone: snapshot?.preferences.timeZone ?? fallbackTimeZone,
      health: companion.health.get(),
    };
  }

  /** "Reconnecting in N s" counts down from when the state was reported. */
  #countedDown(connection: ConnectionState, now: number): ConnectionState {
    if (connection.status !== 'reconnecting') {
      this.#reconnecting = null;
      return connection;
    }
    if (this.#reconnecting?.state !== connection) {
      this.#reconnecting = { state: connection, seenAt: now };
    }
    const elapsed = (now - this.#reconnecting.seenAt) / 1000;
    return { ...connection, inSeconds: Math.max(0, connection.inSeconds - elapsed) };
  }

  render(): void {
    const { tray, menu, icons, clock } = this.#options;
    const state = this.state();
    this.#model = trayMenu(state);
    tray.setContextMenu(
      menu.buildFromTemplate(toMenuTemplate(this.#model, (action) => this.dispatch(action))),
    );
    tray.setImage(icons[trayIconState(state)]);
    tray.setToolTip(trayToolTip(state));
    this.#clearTimers();
    if (state.connection.status === 'reconnecting' && state.connection.inSeconds > 0) {
      this.#countdownTimer = clock.setTimeout(() => this.render(), 1000);
    }
    const next = nextMenuChange(state);
    if (next !== null) {
      // A little after the end, so the mute reads as over when the menu is rebuilt.
      this.#expiryTimer = clock.setTimeout(() => this.render(), next - state.now + 1000);
    }
  }

  /** Runs a clicked item's action; a refusal is logged, never thrown into Electron's menu code. */
  dispatch(action: TrayAction): void {
    this.#track(this.#run(action));
  }

  async #run(action: TrayAction): Promise<void> {
    const { companion, shell, logger } = this.#options;
    try {
      switch (action.kind) {
        case 'muteLine':
          await companion.muteLine({ lineId: action.lineId, duration: action.duration });
          break;
        case 'unmuteLine':
          await companion.unmuteLine({ lineId: action.lineId });
          break;
        case 'doNotDisturb':
          await companion.setDoNotDisturb({ duration: action.duration });
          break;
        case 'openNotifications':
          shell.openNotifications();
          return;
        case 'openSettings':
          shell.openSettings();
          return;
        case 'setLaunchAtLogin':
          shell.setLaunchAtLogin(action.enabled);
          break;
        case 'quit':
          shell.quit();
          return;
      }
      this.render();
    } catch (error) {
      logger.warn('tray: action refused', { action: action.kind, reason: String(error) });
    }
  }

  #track(work: Promise<void>): void {
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }
}
