import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultBusinessDefaults,
  defaultUserPreferences,
  diagnose,
  invokeCalls,
  isAdmin,
  localTime,
  parseWith,
  profileSchema,
  roleRefusals,
  type ActivityItem,
  type AlertEvent,
  type BusinessDefaults,
  type ConnectionState,
  type Decision,
  type HealthNotice,
  type InvokeArgs,
  type InvokeName,
  type MuteDuration,
  type PreferencesSnapshot,
  type Profile,
  type RecipientContext,
  type SyncStatus,
  type TestNotificationResult,
  type UserPreferences,
} from '../../common';
import { CompanionError, type Companion } from './companion-api';
import {
  createServiceClient,
  ServiceConnection,
  ServiceRefusalError,
  type BackoffOptions,
  type ConnectionMessage,
  type ServiceClient,
} from './connection';
import {
  createEventDescriber,
  DeliveryEngine,
  HighSmsDetector,
  ReminderScheduler,
  UsageDetector,
} from './delivery';
import { MuteExpiryWatcher } from './delivery/mute-expiry-watcher';
import { EventBatches } from './event-batch';
import { EventPipeline } from './pipeline';
import {
  ObservableValue,
  type Clock,
  type Logger,
  type NotifierPort,
  type Observable,
  type TimerHandle,
} from './ports';
import { openStore, type Store } from './store';
import { HttpSyncTransport, SyncEngine } from './sync';

export interface CompanionOptions {
  /** Folder for the per-user SQLite database and the small session index. */
  dataDir: string;
  serviceUrl: string;
  token: string;
  /** Stable id of this device; generated once and kept in the store when absent. */
  deviceId?: string;
  notifier: NotifierPort;
  clock: Clock;
  logger: Logger;
  /** Reconnect backoff of the live socket (tests shorten it). */
  backoff?: Partial<BackoffOptions>;
  random?: () => number;
  /** Pop-up coalescing window of delivery. */
  coalesceWindowMilliseconds?: number;
  /** Seam for the preferences sync engine (main/core/sync); tests may pass their own. */
  createSync?: (dependencies: CompanionSyncDependencies) => CompanionSync;
}

/**
 * What the companion needs from the preferences sync engine (main/core/sync): the local view of
 * preferences and business defaults, field-level edits that reach every device, and the
 * service's pushes. `createCompanionSync` adapts the engine to it.
 */
export interface CompanionSync {
  readonly status: Observable<SyncStatus>;
  readonly preferences: Observable<PreferencesSnapshot | null>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Applies an edit locally (and to the outbox); throws CompanionError for refusals. */
  edit(change: (preferences: UserPreferences) => UserPreferences): Promise<PreferencesSnapshot>;
  editBusinessDefaults(
    change: (defaults: BusinessDefaults) => BusinessDefaults,
  ): Promise<PreferencesSnapshot>;
  /** A `preferencesChanged` or `businessDefaultsChanged` push from the socket. */
  receive(
    message: Extract<ConnectionMessage, { name: 'preferencesChanged' | 'businessDefaultsChanged' }>,
  ): void;
  /** The socket is back: send pending edits now rather than at the next backoff step. */
  retryNow?(): void;
}

export interface CompanionSyncDependencies {
  store: Store;
  serviceUrl: string;
  token: string;
  deviceId: string;
  profile: Profile;
  clock: Clock;
  logger: Logger;
}

/** The preferences sync engine (main/core/sync) over HTTP, seen through `CompanionSync`. */
export function createCompanionSync(dependencies: CompanionSyncDependencies): CompanionSync {
  const engine = new SyncEngine({
    store: dependencies.store,
    transport: new HttpSyncTransport({
      baseUrl: dependencies.serviceUrl,
      token: dependencies.token,
      deviceId: dependencies.deviceId,
    }),
    clock: dependencies.clock,
    user: { id: dependencies.profile.user.id, role: dependencies.profile.user.role },
    deviceId: dependencies.deviceId,
    logger: dependencies.logger,
  });
  const loaded = () => {
    const snapshot = engine.snapshot();
    if (!snapshot) throw new CompanionError('unavailable', 'Preferences are not loaded yet');
    return snapshot;
  };
  return {
    status: engine.status,
    // The engine's own observable: it publishes every local edit, push and download.
    preferences: engine.preferences,
    start: () => engine.start(),
    stop: () => engine.stop(),
    retryNow: () => engine.retryNow(),
    edit: (change) => settle(() => engine.edit(change(loaded().preferences))),
    editBusinessDefaults: (change) =>
      settle(() => engine.editBusinessDefaults(change(loaded().business))),
    receive(message) {
      engine.applyServerPush(message.name, message.value);
    },
  };
}

/** The whole running core once the profile is known: one per signed-in user. */
interface Session {
  profile: Profile;
  store: Store;
  deviceId: string;
  connection: ServiceConnection;
  pipeline: EventPipeline;
  delivery: DeliveryEngine;
  scheduler: ReminderScheduler;
  muteWatcher: MuteExpiryWatcher;
  sync: CompanionSync;
  unsubscribes: Array<() => void>;
}

const hour = 60 * 60 * 1000;
const morningMinutes = 8 * 60;
const sessionIndexFile = 'sessions.json';

/** A short fingerprint of the token, so the session index never stores the token itself. */
function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 32);
}

/**
 * The next 08:00 wall-clock time in `timeZone` strictly after `now` (daylight saving included):
 * "until tomorrow morning" for a mute set at 23:00 or at 02:00 alike.
 */
export function nextMorning(now: number, timeZone: string): number {
  const local = localTime(now, timeZone);
  // Minutes until 08:00 on the wall clock, then correct for any offset change in between.
  let minutesAhead = morningMinutes - local.minutes;
  if (minutesAhead <= 0) minutesAhead += 24 * 60;
  let candidate = Math.floor(now / 60_000) * 60_000 + minutesAhead * 60_000;
  for (let pass = 0; pass < 3; pass += 1) {
    const there = localTime(candidate, timeZone);
    const drift = there.minutes - morningMinutes;
    if (drift === 0) break;
    candidate -= (drift > 720 ? drift - 1440 : drift < -720 ? drift + 1440 : drift) * 60_000;
  }
  return candidate;
}

/** When a mute of `duration` set at `now` ends (null: until the person unmutes). */
export function muteUntil(duration: MuteDuration, now: number, timeZone: string): string | null {
  switch (duration) {
    case 'oneHour':
      return new Date(now + hour).toISOString();
    case 'untilTomorrowMorning':
      return new Date(nextMorning(now, timeZone)).toISOString();
    case 'untilUnmuted':
      return null;
  }
}

/** Runs synchronous work as a promise: a throw becomes a rejection, as an async method's would. */
function settle<Value>(work: () => Value): Promise<Value> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Validates IPC-shaped arguments in the core too: headless and tests call it directly. */
function argumentsOf<Name extends InvokeName>(name: Name, args: unknown): InvokeArgs<Name> {
  const parsed = parseWith(invokeCalls[name].args, args);
  if (!parsed.ok) throw new CompanionError('invalidArguments', parsed.message, parsed.errors);
  return parsed.value as InvokeArgs<Name>;
}

/**
 * The composition root of the core: builds store, sync, connection, pipeline, delivery,
 * reminder scheduler and the mute-expiry watcher from the ports a shell passes in, and answers
 * every CompanionCalls method. One per signed-in user; both shells (Electron, headless) use it.
 */
export function createCompanion(options: CompanionOptions): Companion {
  const { clock, logger } = options;
  const client: ServiceClient = createServiceClient({
    serviceUrl: options.serviceUrl,
    token: options.token,
  });
  const connectionState = new ObservableValue<ConnectionState>({ status: 'connecting' });
  const syncStatus = new ObservableValue<SyncStatus>({ status: 'synced', at: null });
  // The shell subscribes before any session exists and across sign-ins, so this is the one
  // stable view; each session's sync engine feeds it (no copy of the state is kept elsewhere).
  const preferences = new ObservableValue<PreferencesSnapshot | null>(null);
  const health = new ObservableValue<HealthNotice[]>([]);
  const unread = new ObservableValue<number>(0);
  const decisionListeners = new Set<(item: ActivityItem, decision: Decision) => void>();
  const openListeners = new Set<(itemId: string) => void>();
  let session: Session | null = null;
  let stopped = false;
  let onCall = false;
  let bootTimer: TimerHandle | null = null;
  let bootAttempt = 0;
  let testCounter = 0;

  const createSync = options.createSync ?? createCompanionSync;

  function readSessionIndex(): Record<string, string> {
    try {
      const parsed: unknown = JSON.parse(
        readFileSync(join(options.dataDir, sessionIndexFile), 'utf8'),
      );
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return Object.fromEntries(
          Object.entries(parsed).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        );
      }
    } catch {
      // No index yet, or a damaged one: start without it.
    }
    return {};
  }

  function rememberSession(userId: string): void {
    const index = { ...readSessionIndex(), [fingerprint(options.token)]: userId };
    mkdirSync(options.dataDir, { recursive: true });
    const path = join(options.dataDir, sessionIndexFile);
    writeFileSync(`${path}.tmp`, JSON.stringify(index));
    renameSync(`${path}.tmp`, path);
  }

  /** The profile from the service, else the copy cached for this token (offline start). */
  async function resolveProfile(): Promise<
    { profile: Profile; fresh: boolean } | 'refused' | null
  > {
    try {
      return { profile: await client.profile(), fresh: true };
    } catch (error) {
      if (error instanceof ServiceRefusalError && error.status === 401) {
        connectionState.set({ status: 'refused', reason: error.message });
        return 'refused';
      }
      logger.warn('Cannot fetch the profile; trying the saved one', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    const userId = readSessionIndex()[fingerprint(options.token)];
    if (!userId) return null;
    const store = openStore({ dataDir: options.dataDir, userId });
    try {
      const cached = store.meta.get('profile');
      const parsed = cached === null ? null : profileSchema.safeParse(JSON.parse(cached));
      return parsed?.success ? { profile: parsed.data, fresh: false } : null;
    } catch {
      return null;
    } finally {
      store.close();
    }
  }

  function currentPreferences(): UserPreferences {
    return preferences.get()?.preferences ?? defaultUserPreferences();
  }

  function currentBusiness(): BusinessDefaults {
    return preferences.get()?.business ?? defaultBusinessDefaults();
  }

  /**
   * Everything but `now` of the RecipientContext, built once and reused for every event until
   * the profile, preferences or presence change (`invalidateContext`).
   */
  let contextBase: { profile: Profile; value: Omit<RecipientContext, 'now'> } | null = null;

  function invalidateContext(): void {
    contextBase = null;
  }
  // Every change of preferences or business defaults passes through here, from any source.
  preferences.subscribe(invalidateContext);

  function context(profile: Profile): RecipientContext {
    if (contextBase?.profile !== profile) {
      contextBase = {
        profile,
        value: {
          userId: profile.user.id,
          role: profile.user.role,
          accountEmail: profile.user.email,
          backupPhone: profile.user.backupPhone,
          personalLineId: profile.user.personalLineId,
          lines: profile.lines,
          ringGroups: profile.ringGroups,
          onCall,
          preferences: currentPreferences(),
          business: currentBusiness(),
        },
      };
    }
    return { ...contextBase.value, now: clock.now() };
  }

  function requireSession(): Session {
    if (!session) {
      throw new CompanionError(
        'unavailable',
        connectionState.get().status === 'refused'
          ? 'The service refused this sign-in'
          : 'Still connecting to the service',
      );
    }
    return session;
  }

  /**
   * A mute or do-not-disturb ran out, or quiet hours started or ended: the policy already reads
   * the clock, but every view of the preferences (tray, window) re-renders, so the snapshot is
   * published again.
   */
  function republishPreferences(): void {
    const current = preferences.get();
    if (current) preferences.set({ ...current });
  }

  /** A sample desktop or in-app notification raised locally, through delivery. */
  async function raiseSample(
    active: Session,
    channel: 'desktop' | 'inApp',
    title: string,
  ): Promise<TestNotificationResult> {
    testCounter += 1;
    const event: AlertEvent = {
      id: `local:test:${clock.now()}:${testCounter}`,
      kind: 'mention',
      occurredAt: new Date(clock.now()).toISOString(),
      byName: 'Ringside',
      conversation: title.slice(0, 200) || 'Sample notification',
      excerpt: 'This is how Ringside notifications look.',
    };
    const decision: Decision = {
      eventId: event.id,
      alertType: 'mention',
      lineId: null,
      deliveries: [{ channel, destination: null }],
      suppressed: [],
    };
    active.delivery.deliver(event, decision);
    await active.delivery.flush();
    const unavailable = health.get().find((notice) => notice.code === 'notifierUnavailable');
    if (channel === 'desktop' && unavailable) {
      return { channel, delivered: false, destination: null, reason: unavailable.message };
    }
    return { channel, delivered: true, destination: null, reason: null };
  }

  function handleMessage(active: Session, message: ConnectionMessage): void {
    switch (message.name) {
      case 'event':
        active.pipeline.process(message.value);
        return;
      case 'replayDone':
        active.pipeline.endCatchUp();
        return;
      case 'presence':
        if (onCall !== message.value.onCall) invalidateContext();
        onCall = message.value.onCall;
        return;
      case 'preferencesChanged':
      case 'businessDefaultsChanged':
        active.sync.receive(message);
        return;
      case 'testNotification':
        void raiseSample(active, message.value.channel, message.value.title);
        return;
    }
  }

  /** Re-raises pop-ups decided before a crash but never handed to the notifier. */
  function reraisePending(active: Session): number {
    const pending = active.store.events.pendingNotifications();
    for (const { event, decision } of pending) {
      // Only the pop-up is owed: the in-app item and the records were written before the crash.
      active.delivery.deliver(event, {
        ...decision,
        deliveries: decision.deliveries.filter((delivery) => delivery.channel === 'desktop'),
        suppressed: [],
      });
    }
    return pending.length;
  }

  async function boot(profile: Profile, fresh: boolean): Promise<void> {
    const store = openStore({ dataDir: options.dataDir, userId: profile.user.id });
    if (fresh) {
      store.meta.set('profile', JSON.stringify(profile));
      rememberSession(profile.user.id);
    }
    let deviceId = options.deviceId ?? store.meta.get('deviceId');
    if (!deviceId) {
      deviceId = `device-${randomUUID()}`;
      store.meta.set('deviceId', deviceId);
    }
    const describer = createEventDescriber({
      lineName: (lineId) => profile.lines.find((line) => line.id === lineId)?.name ?? null,
      timeZone: () => currentPreferences().timeZone,
    });
    // The batch contract (one transaction per batch, pop-ups after its commit): event-batch.ts.
    const batches = new EventBatches({ store, notifier: options.notifier });
    const delivery = new DeliveryEngine({
      clock,
      notifier: batches.notifier,
      logger,
      notifications: store.notifications,
      events: store.events,
      lineName: (lineId) => profile.lines.find((line) => line.id === lineId)?.name ?? null,
      timeZone: () => currentPreferences().timeZone,
      ...(options.coalesceWindowMilliseconds === undefined
        ? {}
        : { coalesceWindowMs: options.coalesceWindowMilliseconds }),
    });
    const muteWatcher = new MuteExpiryWatcher({ clock });
    const highSms = new HighSmsDetector({ clock });
    // `meta`: the newest billing period survives a restart (an old period's replay stays quiet).
    const usage = new UsageDetector({ usageAlerts: store.usageAlerts, clock, meta: store.meta });
    let pipeline: EventPipeline | null = null;
    let connectionRef: ServiceConnection | null = null;
    const scheduler = new ReminderScheduler({
      clock,
      reminders: store.reminders,
      logger,
      raise: (event) => pipeline?.process(event),
    });
    pipeline = new EventPipeline({
      events: store.events,
      batches,
      delivery,
      detectors: [
        (event) => {
          const burst = highSms.observe(event);
          return burst ? [burst] : [];
        },
        (event) => usage.observe(event),
        (event) => {
          scheduler.observe(event);
          return [];
        },
      ],
      context: () => context(profile),
      describe: (event) => describer.describe(event),
      clock,
      logger,
      // The stream is held after a failed event; a reconnect replays it from `lastSeq`.
      onStall: () => connectionRef?.dropLink(),
    });
    const sync = createSync({
      store,
      serviceUrl: options.serviceUrl,
      token: options.token,
      deviceId,
      profile,
      clock,
      logger,
    });
    const connection = new ServiceConnection({
      serviceUrl: options.serviceUrl,
      token: options.token,
      deviceId,
      lastSeq: () => store.events.lastSeq(),
      batches,
      clock,
      logger,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    connectionRef = connection;
    const active: Session = {
      profile,
      store,
      deviceId,
      connection,
      pipeline,
      delivery,
      scheduler,
      muteWatcher,
      sync,
      unsubscribes: [],
    };
    const activePipeline = pipeline;
    let catchingUp = false;
    let connectedBefore = false;
    active.unsubscribes.push(
      connection.state.subscribe((state) => connectionState.set(state)),
      sync.status.subscribe((status) => syncStatus.set(status)),
      sync.preferences.subscribe((snapshot) => {
        preferences.set(snapshot);
        if (snapshot) muteWatcher.update(snapshot.preferences);
      }),
      muteWatcher.onExpiry(republishPreferences),
      muteWatcher.onQuietBoundary(republishPreferences),
      delivery.health.subscribe((notices) => health.set(notices)),
      delivery.unread.subscribe((count) => unread.set(count)),
      delivery.onOpenItem((itemId) => {
        for (const listener of [...openListeners]) listener(itemId);
      }),
      activePipeline.onDecision((item, decision) => {
        for (const listener of [...decisionListeners]) listener(item, decision);
      }),
      connection.onConnected(() => {
        // Back after a drop: edits queued while offline go out now, not at the next backoff step.
        if (connectedBefore) sync.retryNow?.();
        connectedBefore = true;
        activePipeline.resume();
        if (catchingUp) activePipeline.endCatchUp();
        catchingUp = true;
        activePipeline.beginCatchUp();
      }),
      connection.onMessage((message) => {
        if (message.name === 'replayDone') {
          if (!catchingUp) return;
          catchingUp = false;
        }
        handleMessage(active, message);
      }),
      connection.onDisconnected(() => {
        // A replay cut short: release what was held rather than keep it forever.
        if (catchingUp) activePipeline.endCatchUp();
        catchingUp = false;
      }),
    );
    preferences.set(sync.preferences.get());
    syncStatus.set(sync.status.get());
    unread.set(store.notifications.unreadCount());
    session = active;
    await delivery.start();
    health.set(delivery.health.get());
    // One batch: re-raised pop-ups go out one at a time, each marked before the next.
    const reraised = batches.run(() => reraisePending(active));
    if (reraised > 0) logger.info('Re-raised pop-ups interrupted by the last exit', { reraised });
    scheduler.start();
    await sync.start();
    const loaded = sync.preferences.get();
    if (loaded) muteWatcher.update(loaded.preferences);
    if (!stopped) connection.start();
  }

  async function attemptBoot(): Promise<void> {
    if (stopped || session) return;
    const resolved = await resolveProfile();
    if (stopped || resolved === 'refused') return;
    if (resolved === null) {
      bootAttempt += 1;
      const delay = Math.min(60_000, 1_000 * 2 ** Math.min(bootAttempt - 1, 6));
      connectionState.set({
        status: 'reconnecting',
        inSeconds: Math.ceil(delay / 1000),
        attempt: bootAttempt,
        reason: 'Cannot reach the service, and this sign-in has never been online here',
      });
      bootTimer = clock.setTimeout(() => {
        bootTimer = null;
        void attemptBoot();
      }, delay);
      return;
    }
    await boot(resolved.profile, resolved.fresh);
  }

  function snapshot(): PreferencesSnapshot {
    const value = preferences.get();
    if (!value) throw new CompanionError('unavailable', 'Preferences are not loaded yet');
    return value;
  }

  async function editMutes(
    change: (mutes: UserPreferences['mutes']) => UserPreferences['mutes'],
  ): Promise<PreferencesSnapshot> {
    const active = requireSession();
    return active.sync.edit((value) => ({ ...value, mutes: change(value.mutes) }));
  }

  const companion: Companion = {
    connection: connectionState,
    sync: syncStatus,
    preferences,
    health,
    unread,
    onDecision(listener) {
      decisionListeners.add(listener);
      return () => decisionListeners.delete(listener);
    },
    onOpenItem(listener) {
      openListeners.add(listener);
      return () => openListeners.delete(listener);
    },

    async start() {
      stopped = false;
      await attemptBoot();
    },

    replan(reason) {
      const active = session;
      if (!active) return;
      logger.info('Re-planning timers', { reason });
      active.scheduler.replan();
      active.muteWatcher.replan();
      // A wake-up: reconnect now rather than wait out a backoff planned before the sleep.
      if (reason === 'resume' && connectionState.get().status === 'reconnecting') {
        active.connection.start();
      }
    },

    async stop() {
      stopped = true;
      if (bootTimer) clock.clearTimeout(bootTimer);
      bootTimer = null;
      const active = session;
      session = null;
      if (!active) return;
      active.connection.stop();
      for (const unsubscribe of active.unsubscribes) unsubscribe();
      active.scheduler.stop();
      active.muteWatcher.stop();
      await active.delivery.flush();
      active.delivery.stop();
      await active.sync.stop();
      active.store.close();
      connectionState.set({ status: 'offline', since: clock.now(), reason: 'Stopped' });
    },

    getSession() {
      return settle(() => {
        const active = requireSession();
        return {
          profile: active.profile,
          connection: connectionState.get(),
          sync: syncStatus.get(),
          health: health.get(),
        };
      });
    },

    getPreferences() {
      return settle(() => {
        requireSession();
        return snapshot();
      });
    },

    async updatePreferences(args) {
      const { preferences: next } = argumentsOf('updatePreferences', args);
      const active = requireSession();
      return active.sync.edit(() => next);
    },

    async updateBusinessDefaults(args) {
      const { defaults } = argumentsOf('updateBusinessDefaults', args);
      const active = requireSession();
      if (!isAdmin(active.profile.user.role)) {
        throw new CompanionError('forbidden', roleRefusals.businessDefaultsNeedAdmin);
      }
      return active.sync.editBusinessDefaults(() => defaults);
    },

    async muteLine(args) {
      const { lineId, duration } = argumentsOf('muteLine', args);
      const active = requireSession();
      if (!active.profile.lines.some((line) => line.id === lineId)) {
        throw new CompanionError('notFound', `You do not receive alerts on line ${lineId}`);
      }
      const until = muteUntil(duration, clock.now(), currentPreferences().timeZone);
      return editMutes((mutes) => ({
        ...mutes,
        lines: [...mutes.lines.filter((mute) => mute.lineId !== lineId), { lineId, until }],
      }));
    },

    async unmuteLine(args) {
      const { lineId } = argumentsOf('unmuteLine', args);
      return editMutes((mutes) => ({
        ...mutes,
        lines: mutes.lines.filter((mute) => mute.lineId !== lineId),
      }));
    },

    async setDoNotDisturb(args) {
      const { duration } = argumentsOf('setDoNotDisturb', args);
      const until =
        duration === null ? null : muteUntil(duration, clock.now(), currentPreferences().timeZone);
      return editMutes((mutes) => ({
        ...mutes,
        doNotDisturb:
          duration === null ? { enabled: false, until: null } : { enabled: true, until },
      }));
    },

    listActivity(args) {
      return settle(() => {
        const { limit } = argumentsOf('listActivity', args);
        const active = requireSession();
        return active.store.events
          .recent(limit)
          .map(({ event, decision, decidedAt }) =>
            active.pipeline.activityItem(event, decision, decidedAt),
          );
      });
    },

    listNotifications(args) {
      return settle(() => {
        const { limit } = argumentsOf('listNotifications', args);
        return requireSession().store.notifications.list(limit);
      });
    },

    markNotificationsRead(args) {
      return settle(() => {
        const { ids } = argumentsOf('markNotificationsRead', args);
        const active = requireSession();
        return { updated: active.delivery.markRead(ids) };
      });
    },

    diagnose(args) {
      return settle(() => {
        const { alertType } = argumentsOf('diagnose', args);
        const active = requireSession();
        return diagnose(alertType, context(active.profile));
      });
    },

    async sendTestNotification(args) {
      const { channel } = argumentsOf('sendTestNotification', args);
      const active = requireSession();
      if (channel === 'desktop' || channel === 'inApp') {
        return raiseSample(active, channel, 'Sample notification from Ringside');
      }
      try {
        return await client.testNotification(channel);
      } catch (error) {
        if (error instanceof ServiceRefusalError && error.status === 403) {
          throw new CompanionError('forbidden', error.message);
        }
        throw new CompanionError(
          'unavailable',
          error instanceof Error ? error.message : 'The service did not answer',
        );
      }
    },

    openExternal(args) {
      return settle(() => {
        argumentsOf('openExternal', args);
        // Only a shell can open a browser; it overrides this.
        return { opened: false };
      });
    },
  };
  return companion;
}
