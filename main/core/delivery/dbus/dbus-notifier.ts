import { Listeners } from '../../notifier-helpers';
import {
  ObservableValue,
  type Logger,
  type NotifierAvailability,
  type NotifierCapabilities,
  type NotifierPort,
  type PopupActionEvent,
  type PopupClosedEvent,
  type PopupContent,
  type PopupHandle,
  type PopupResult,
} from '../../ports';
import { DesktopDoNotDisturb } from './desktop-do-not-disturb';
import {
  capabilitiesOf,
  closeReasonOf,
  defaultActionKey,
  notificationsInterface,
  notificationsName,
  notificationsPath,
  notifyArguments,
  notifySignature,
  type DaemonFacts,
} from './freedesktop';
import { watchGnomeBanners } from './gnome-banners';
import { notificationsActivatable, notificationsOwner } from './notifications-name';
import { BusCallError, SessionBus, type BusSignal } from './session-bus';

export interface DbusNotifierOptions {
  /** The session bus (`sessionBusAddress(process.env)`); null: there is none. */
  busAddress: string | null;
  /** Shown by the daemon as the sender. Default "Ringside". */
  appName?: string;
  /** The `desktop-entry` hint: the .desktop file's name, so the daemon finds the app's icon. */
  desktopEntry?: string | null;
  logger?: Logger;
  /** Every call on the bus waits at most this long. Default 2 s. */
  callTimeoutMilliseconds?: number;
  /** After the bus connection is lost (or never made), try again this often. Default 30 s. */
  retryMilliseconds?: number;
  /** Environment of the one `gsettings` watch under GNOME Shell. Default `process.env`. */
  environment?: NodeJS.ProcessEnv;
}

/** One pop-up of ours on the screen. */
interface LivePopup {
  daemonId: number;
  itemId: string;
  actionIds: readonly string[];
}

/** What is known before the daemon said what it can do (the specification's minimum). */
const unknownDaemon: DaemonFacts = { capabilities: [], name: '', version: '' };

/** The most pop-ups remembered at once (one that never reports closed is forgotten first). */
const livePopupLimit = 500;

/**
 * The NotifierPort over `org.freedesktop.Notifications` on the session bus (Linux, BSD), on
 * one connection, with no process per pop-up: `Notify` (with `replaces_id`, buttons, urgency
 * and category hints, `expire_timeout`), `CloseNotification`, and the daemon's
 * `ActionInvoked` and `NotificationClosed` for our own pop-ups — other apps' ids, and signals
 * from anyone but the daemon, are ignored. It learns what the daemon can do
 * (`GetCapabilities`), follows it leaving and appearing (`NameOwnerChanged`), and reads the
 * desktop's do-not-disturb (desktop-do-not-disturb.ts). Every call is bounded in time; nothing
 * throws or rejects.
 */
export class DbusNotifier implements NotifierPort {
  readonly availability = new ObservableValue<NotifierAvailability | null>(null);
  readonly capabilities = new ObservableValue<NotifierCapabilities>(capabilitiesOf([]));
  readonly systemDoNotDisturb: DesktopDoNotDisturb;
  readonly #address: string | null;
  readonly #appName: string;
  readonly #desktopEntry: string | null;
  readonly #logger: Logger | undefined;
  readonly #timeout: number;
  readonly #retryMilliseconds: number;
  readonly #clicks = new Listeners<string>();
  readonly #actions = new Listeners<PopupActionEvent>();
  readonly #closes = new Listeners<PopupClosedEvent>();
  /** Our pop-ups by handle id, and the handle id of each daemon id. */
  readonly #live = new Map<string, LivePopup>();
  readonly #handles = new Map<number, string>();
  #bus: SessionBus | null = null;
  #connecting: Promise<void> | null = null;
  #retry: NodeJS.Timeout | null = null;
  /** The unique name of the daemon owning the name now, or null. */
  #owner: string | null = null;
  /** No owner, but the bus starts a daemon on the first `Notify`. */
  #activatable = false;
  #facts: DaemonFacts = unknownDaemon;
  #count = 0;
  #disposed = false;

  constructor(options: DbusNotifierOptions) {
    this.#address = options.busAddress;
    this.#appName = options.appName ?? 'Ringside';
    this.#desktopEntry = options.desktopEntry ?? null;
    this.#logger = options.logger;
    this.#timeout = options.callTimeoutMilliseconds ?? 2_000;
    this.#retryMilliseconds = options.retryMilliseconds ?? 30_000;
    const environment = options.environment ?? process.env;
    this.systemDoNotDisturb = new DesktopDoNotDisturb({
      ...(options.logger ? { logger: options.logger } : {}),
      watchGnomeBanners: (onChange) =>
        watchGnomeBanners({
          environment,
          onChange,
          ...(options.logger ? { logger: options.logger } : {}),
        }),
    });
  }

  async probe(): Promise<NotifierAvailability> {
    await this.#connect();
    return this.availability.get() ?? { available: false, reason: 'the check did not finish' };
  }

  async show(content: PopupContent): Promise<PopupResult> {
    this.#count += 1;
    return this.#notify({ id: `dbus:${this.#count}` }, content);
  }

  replace(handle: PopupHandle, content: PopupContent): Promise<PopupResult> {
    return this.#notify(handle, content);
  }

  async close(handle: PopupHandle): Promise<void> {
    const popup = this.#live.get(handle.id);
    const bus = this.#bus;
    if (!popup || !bus) return;
    try {
      await bus.call({
        destination: notificationsName,
        path: notificationsPath,
        interfaceName: notificationsInterface,
        member: 'CloseNotification',
        signature: 'u',
        body: [popup.daemonId],
      });
    } catch (error) {
      this.#logger?.warn('Closing a pop-up failed', { error: String(error) });
      return;
    }
    // The daemon says so in NotificationClosed (reason 3), usually before this reply; one that
    // does not is answered here, once.
    if (this.#live.get(handle.id) === popup) this.#forget(handle.id, popup, 'closedByApp');
  }

  onClick(listener: (itemId: string) => void): () => void {
    return this.#clicks.add(listener);
  }

  onAction(listener: (event: PopupActionEvent) => void): () => void {
    return this.#actions.add(listener);
  }

  onClosed(listener: (event: PopupClosedEvent) => void): () => void {
    return this.#closes.add(listener);
  }

  /** Leaves the bus (and the GNOME watch): the composition root calls it at shutdown. */
  dispose(): void {
    this.#disposed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.systemDoNotDisturb.detach();
    this.#bus?.disconnect();
    this.#bus = null;
  }

  async #notify(handle: PopupHandle, content: PopupContent): Promise<PopupResult> {
    if (!this.#bus) await this.#connect();
    const bus = this.#bus;
    const availability = this.availability.get();
    if (!bus || availability?.available === false) {
      return {
        shown: false,
        reason: availability?.available === false ? availability.reason : 'no session D-Bus',
      };
    }
    const live = this.#live.get(handle.id);
    const { arguments: body, actionIds } = notifyArguments(content, {
      appName: this.#appName,
      replacesId: live?.daemonId ?? 0,
      facts: this.#facts,
      desktopEntry: this.#desktopEntry,
    });
    let daemonId: number;
    try {
      const [id] = await bus.call({
        destination: notificationsName,
        path: notificationsPath,
        interfaceName: notificationsInterface,
        member: 'Notify',
        signature: notifySignature,
        body,
      });
      if (typeof id !== 'number') throw new BusCallError('Notify gave no id', null);
      daemonId = id;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { shown: false, reason: `the notification daemon did not take it: ${reason}` };
    }
    if (live && live.daemonId !== daemonId) this.#handles.delete(live.daemonId);
    this.#live.delete(handle.id);
    this.#live.set(handle.id, { daemonId, itemId: content.itemId, actionIds });
    this.#handles.set(daemonId, handle.id);
    this.#bound();
    return { shown: true, handle };
  }

  /** Connects once (concurrent callers share the attempt); a failure retries later. */
  #connect(): Promise<void> {
    if (this.#bus || this.#disposed) return Promise.resolve();
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    if (this.#address === null) {
      this.#unavailable('there is no session D-Bus (DBUS_SESSION_BUS_ADDRESS is not set)');
      return;
    }
    let bus: SessionBus;
    try {
      bus = await SessionBus.connect(this.#address, this.#timeout);
    } catch (error) {
      this.#unavailable(`the session D-Bus does not answer: ${String(error)}`);
      this.#retryLater();
      return;
    }
    if (this.#disposed) {
      bus.disconnect();
      return;
    }
    bus.onSignal((signal) => this.#signal(signal));
    bus.onLost((reason) => this.#lost(bus, reason));
    try {
      await bus.addMatch(
        `type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${notificationsName}'`,
      );
      // sender= a well-known name matches its current owner only: the bus drops forgeries.
      await bus.addMatch(
        `type='signal',sender='${notificationsName}',path='${notificationsPath}',interface='${notificationsInterface}'`,
      );
      await bus.addMatch(
        `type='signal',sender='${notificationsName}',path='${notificationsPath}',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'`,
      );
      this.#bus = bus;
      const owner = await notificationsOwner(bus);
      this.#activatable = owner === null && (await notificationsActivatable(bus));
      await this.#ownerChanged(bus, owner);
    } catch (error) {
      bus.disconnect();
      this.#bus = null;
      this.#unavailable(`the session D-Bus does not answer: ${String(error)}`);
      this.#retryLater();
    }
  }

  /**
   * A daemon took the name (learn what it can do, then pop-ups go to it) or left it (ours are
   * gone with it; pop-ups wait unless the bus can start one).
   */
  async #ownerChanged(bus: SessionBus, owner: string | null): Promise<void> {
    if (this.#owner !== null && this.#owner !== owner) this.#daemonGone();
    this.#owner = owner;
    if (owner === null) {
      if (this.#activatable) {
        this.availability.set({ available: true });
      } else {
        this.#unavailable(
          'no notification daemon is running on the session D-Bus (org.freedesktop.Notifications)',
        );
      }
      return;
    }
    try {
      const [capabilities] = await bus.call({
        destination: notificationsName,
        path: notificationsPath,
        interfaceName: notificationsInterface,
        member: 'GetCapabilities',
      });
      const [name, , version] = await bus.call({
        destination: notificationsName,
        path: notificationsPath,
        interfaceName: notificationsInterface,
        member: 'GetServerInformation',
      });
      if (this.#owner !== owner) return;
      this.#facts = {
        capabilities: Array.isArray(capabilities) ? capabilities.map(String) : [],
        name: typeof name === 'string' ? name : '',
        version: typeof version === 'string' ? version : '',
      };
    } catch (error) {
      if (this.#owner !== owner) return;
      this.#unavailable(`the notification daemon does not answer: ${String(error)}`);
      return;
    }
    this.capabilities.set(capabilitiesOf(this.#facts.capabilities));
    this.#logger?.info('Notification daemon', { ...this.#facts });
    await this.systemDoNotDisturb.attach(bus, this.#facts);
    if (this.#owner === owner) this.availability.set({ available: true });
  }

  #signal(signal: BusSignal): void {
    const bus = this.#bus;
    if (!bus) return;
    if (signal.member === 'NameOwnerChanged' && signal.sender === 'org.freedesktop.DBus') {
      const [name, , owner] = signal.body;
      if (name !== notificationsName) return;
      void this.#ownerChanged(bus, typeof owner === 'string' && owner !== '' ? owner : null);
      return;
    }
    // Only the daemon speaks for the daemon.
    if (signal.sender !== this.#owner || signal.path !== notificationsPath) return;
    if (signal.interfaceName !== notificationsInterface) {
      this.systemDoNotDisturb.handle(signal);
      return;
    }
    const [daemonId, detail] = signal.body;
    if (typeof daemonId !== 'number') return;
    const handleId = this.#handles.get(daemonId);
    const popup = handleId === undefined ? undefined : this.#live.get(handleId);
    if (handleId === undefined || !popup) return; // another app's pop-up
    const handle = { id: handleId };
    if (signal.member === 'ActionInvoked' && typeof detail === 'string') {
      if (detail === defaultActionKey) this.#clicks.emit(popup.itemId);
      else if (popup.actionIds.includes(detail)) {
        this.#actions.emit({ handle, itemId: popup.itemId, actionId: detail });
      }
    } else if (signal.member === 'NotificationClosed' && typeof detail === 'number') {
      this.#forget(handleId, popup, closeReasonOf(detail));
    }
  }

  #forget(handleId: string, popup: LivePopup, reason: PopupClosedEvent['reason']): void {
    this.#live.delete(handleId);
    this.#handles.delete(popup.daemonId);
    this.#closes.emit({ handle: { id: handleId }, itemId: popup.itemId, reason });
  }

  /** The daemon left: every pop-up of ours left the screen with it. */
  #daemonGone(): void {
    for (const [handleId, popup] of [...this.#live]) this.#forget(handleId, popup, 'daemonGone');
    this.#facts = unknownDaemon;
    this.systemDoNotDisturb.detach();
  }

  #lost(bus: SessionBus, reason: string): void {
    if (this.#bus !== bus) return;
    this.#bus = null;
    this.#owner = null;
    this.#daemonGone();
    this.#unavailable(`the session D-Bus connection was lost: ${reason}`);
    this.#retryLater();
  }

  #retryLater(): void {
    if (this.#retry || this.#disposed) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.#connect();
    }, this.#retryMilliseconds);
    this.#retry.unref();
  }

  #unavailable(reason: string): void {
    const now = this.availability.get();
    if (now?.available === false && now.reason === reason) return;
    this.#logger?.warn('Pop-ups unavailable', { reason });
    this.availability.set({ available: false, reason });
  }

  /** Pop-ups that never report closed would pile up: the oldest are forgotten past the limit. */
  #bound(): void {
    for (const [handleId, popup] of this.#live) {
      if (this.#live.size <= livePopupLimit) return;
      this.#live.delete(handleId);
      this.#handles.delete(popup.daemonId);
    }
  }
}
