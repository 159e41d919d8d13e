import { hostname } from 'node:os';
import {
  defaultBusinessDefaults,
  defaultUserPreferences,
  organisationLocks,
  recipientContext,
  type BusinessDefaults,
  type HealthNotice,
  type RecipientContext,
  type UserPreferences,
} from '../../common';
import { CatchUpTracker } from './catch-up-progress';
import { ServiceConnection, type ConnectionMessage } from './connection';
import { createCompanionSync } from './sync';
import { createEventDescriber, DeliveryEngine, LocalReminders } from './delivery';
import { MuteExpiryWatcher } from './delivery/mute-expiry-watcher';
import { EventBatches } from './event-batch';
import { EventPipeline } from './pipeline';
import { ObservableValue } from './ports';
import { QuietHousekeeper } from './quiet-housekeeper';
import { createSampleSender } from './sample-notification';
import {
  serviceResetNotice,
  type Session,
  type SessionOptions,
  type SessionViews,
} from './session-api';
import { keptDeviceId, rememberProfile } from './session-index';
import { openSessionStore } from './session-store';
import { openStore } from './store';

export { serviceResetNotice, type Session, type SessionOptions, type SessionViews };

/**
 * Opens one user's store and builds their core, wired to `views`; no socket, timer or pop-up
 * until `start()`.
 */
export function openSession(options: SessionOptions): Session {
  const { profile, clock, logger, views } = options;
  // A damaged file is moved aside and replaced here; the session says so for as long as it runs.
  const { store, notice: storeNotice } = openSessionStore({
    open: options.openStore ?? openStore,
    dataDir: options.dataDir,
    userId: profile.user.id,
    now: clock.now(),
    logger,
  });
  if (options.fresh) rememberProfile(options.dataDir, options.token, store.meta, profile);
  const deviceId = options.deviceId ?? keptDeviceId(store.meta);
  const policyLocks = organisationLocks(options.policy ?? null);
  const sync = createCompanionSync({
    store,
    serviceUrl: options.serviceUrl,
    token: options.token,
    deviceId,
    deviceName: options.deviceName ?? hostname(),
    profile,
    clock,
    logger,
    organisationLocks: policyLocks,
  });
  let closed = false;
  /** Whether the user is on a call, as the service last said (`presence`). */
  let onCall = false;
  /**
   * Everything but `now` of the RecipientContext, built once and reused for every event until
   * the preferences or the presence change.
   */
  let contextBase: RecipientContext | null = null;
  /** Between a (re)connect and its `replayDone`: delivery summarises the backlog. */
  let catchingUp = false;
  /** Events of the catch-up in the open batch: counted once it committed. */
  let replayedInBatch = 0;
  const catchUp = new CatchUpTracker(clock);
  let connectedBefore = false;
  /** The session's own notices (a replaced store, a reset service), beside delivery's and the batches'. */
  const notices = new ObservableValue<HealthNotice[]>(storeNotice ? [storeNotice] : []);
  const currentPreferences = (): UserPreferences =>
    sync.preferences.get()?.preferences ?? defaultUserPreferences();
  const currentBusiness = (): BusinessDefaults =>
    sync.preferences.get()?.business ?? defaultBusinessDefaults();

  // One describer for the session: Activity rows, pop-ups and in-app items say the same words.
  const describer = createEventDescriber({
    lineName: (lineId) => profile.lines.find((line) => line.id === lineId)?.name ?? null,
    timeZone: () => currentPreferences().timeZone,
  });
  // One batch = what arrived together, one transaction, its pop-ups after the commit (event-batch.ts).
  // Checkpoints and retention when the stream goes quiet: told of every committed batch.
  const housekeeper = new QuietHousekeeper({
    store,
    clock,
    logger,
    // Pruned items may have been unread: an empty mark re-reads the count for every view.
    onPruned: () => delivery.markRead([]),
  });
  const batches = new EventBatches({
    store: {
      events: store.events,
      eventTransaction: (work) => {
        const result = store.eventTransaction(work);
        housekeeper.committed();
        return result;
      },
    },
    notifier: options.notifier,
    logger,
  });
  const delivery = new DeliveryEngine({
    clock,
    notifier: batches.notifier,
    logger,
    notifications: store.notifications,
    events: store.events,
    describer,
    breakThrough: () => currentPreferences().quietHours.breakThrough,
    batches,
    ...(options.coalesceWindowMilliseconds === undefined
      ? {}
      : { coalesceWindowMilliseconds: options.coalesceWindowMilliseconds }),
  });
  const muteWatcher = new MuteExpiryWatcher({ clock });
  const reminders = new LocalReminders({
    clock,
    states: store.reminderStates,
    userId: profile.user.id,
    batches,
    // Connecting counts: at start, the replay may bring the service's copy within the grace.
    linkUp: () => linkUp(),
    recorded: (eventId) => store.events.has(eventId),
    raise: (event) => pipeline.process(event),
    logger,
  });
  const pipeline = new EventPipeline({
    events: store.events,
    batches,
    delivery,
    observers: [reminders],
    userId: profile.user.id,
    context,
    describe: describer.describe,
    clock,
    logger,
    // The stream is held after a failed event; a reconnect replays it from `lastSeq`.
    onStall: () => connection.dropLink(),
  });
  const connection = new ServiceConnection({
    serviceUrl: options.serviceUrl,
    token: options.token,
    deviceId,
    lastSeq: () => store.events.lastSeq(),
    epoch: () => store.events.epoch(),
    batches,
    clock,
    logger,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.random ? { random: options.random } : {}),
  });

  function context(): RecipientContext {
    contextBase ??= recipientContext({
      user: profile.user,
      lines: profile.lines,
      ringGroups: profile.ringGroups,
      onCall,
      // The snapshot's preferences already hold the policy's values (`effectivePreferences`).
      preferences: currentPreferences(),
      business: currentBusiness(),
      organisationLocks: policyLocks,
      now: 0,
    });
    return { ...contextBase, now: clock.now() };
  }

  /**
   * A mute or do-not-disturb ran out, or quiet hours started or ended: the policy already reads
   * the clock, but every view of the preferences (tray, window) re-renders, so the snapshot is
   * published again.
   */
  function republishPreferences(): void {
    const current = views.preferences.get();
    if (current) views.preferences.set({ ...current });
  }

  const sendSample = createSampleSender({ clock, context, delivery });

  /** Ends a catch-up once: at its `replayDone` (after the commit), or when the link drops. */
  function endCatchUp(): void {
    if (!catchingUp) return;
    catchingUp = false;
    catchUp.end();
    delivery.endCatchUp();
  }

  /**
   * The first message of a connection (protocol 2), inside its batch: the data epoch. A first
   * epoch is kept silently; a new one (the service's database was made again) restarts the
   * stream from `replayFrom` in this transaction, keeping every record (repeats are dropped by
   * id), and is told once, in words.
   */
  function startEpoch(epoch: string, replayFrom: number, reset: boolean): void {
    const stored = store.events.epoch();
    const isReset = reset || (stored !== null && stored !== epoch);
    if (stored !== epoch || store.events.lastSeq() !== replayFrom) {
      store.events.startEpoch(epoch, replayFrom);
    }
    if (!isReset) return;
    batches.afterCommit(() => {
      logger.warn(serviceResetNotice, { previousEpoch: stored, epoch, replayFrom });
      notices.set([
        ...notices.get().filter((notice) => notice.code !== 'serviceReset'),
        { code: 'serviceReset', message: serviceResetNotice },
      ]);
    });
  }

  /** One replayed event in the open batch; the batch's count is added once it committed. */
  function countReplayed(): void {
    replayedInBatch += 1;
    if (replayedInBatch > 1) return;
    batches.afterCommit(
      () => {
        catchUp.counted(replayedInBatch);
        replayedInBatch = 0;
      },
      () => {
        replayedInBatch = 0;
      },
    );
  }

  function handleMessage(message: ConnectionMessage): void {
    switch (message.name) {
      case 'event':
        pipeline.process(message.value);
        if (catchingUp) countReplayed();
        return;
      case 'replayStarted':
        catchUp.expect(message.value.lastSeq);
        return;
      case 'replayDone':
        batches.afterCommit(endCatchUp);
        return;
      case 'session':
        catchUp.begin(message.value.replayFrom);
        startEpoch(message.value.epoch, message.value.replayFrom, message.value.reset);
        return;
      case 'presence':
        // Read by the events after it in this batch: set now (setting it again is harmless).
        if (onCall !== message.value.onCall) contextBase = null;
        onCall = message.value.onCall;
        return;
      case 'preferencesChanged':
      case 'businessDefaultsChanged':
        // Sync writes durably on its own: only once this batch is committed, never twice.
        batches.afterCommit(() => sync.receive(message));
        return;
      case 'testNotification': {
        const { channel, title } = message.value;
        batches.afterCommit(() => void sendSample(channel, title));
        return;
      }
      case 'outcomeUpdated':
        pipeline.updateOutcome(message.value.eventId, message.value.seq, message.value.outcome);
        return;
    }
  }

  /** Re-raises pop-ups decided before a crash but never handed to the notifier. */
  function reraisePending(): number {
    const pending = store.events.pendingNotifications();
    for (const { event, decision } of pending) {
      // Only the pop-up is owed: the in-app item and the records were written before the crash.
      delivery.deliver(event, {
        ...decision,
        deliveries: decision.deliveries.filter((each) => each.channel === 'desktop'),
        suppressed: [],
      });
    }
    return pending.length;
  }

  /** Whether the link is up (or coming up): a reminder waiting for the service's copy. */
  const linkUp = () => ['connected', 'connecting'].includes(connection.state.get().status);
  let wasUp = false;
  const publishHealth = () =>
    views.health.set([...delivery.health.get(), ...batches.health.get(), ...notices.get()]);
  const unsubscribes: Array<() => void> = [
    connection.state.subscribe((state) => {
      views.connection.set(state);
      // The link went down: a reminder waiting for the service's copy is raised now.
      if (wasUp && !linkUp()) reminders.replan();
      wasUp = linkUp();
    }),
    sync.status.subscribe((status) => views.sync.set(status)),
    sync.preferences.subscribe((snapshot) => {
      // Every change of preferences or business defaults passes through here, from any source.
      contextBase = null;
      views.preferences.set(snapshot);
      if (snapshot) muteWatcher.update(snapshot.preferences);
    }),
    muteWatcher.onExpiry(republishPreferences),
    muteWatcher.onQuietBoundary(republishPreferences),
    delivery.health.subscribe(publishHealth),
    batches.health.subscribe(publishHealth),
    notices.subscribe(publishHealth),
    delivery.unread.subscribe((count) => views.unread.set(count)),
    catchUp.progress.subscribe((progress) => views.catchUp.set(progress)),
    delivery.onOpenItem((itemId) => views.openItem(itemId)),
    delivery.onPopupCommand((command) => views.popupCommand(command)),
    pipeline.onDecision((item, decision) => views.decided(item, decision)),
    pipeline.onUpdate((item) => views.updated(item)),
    connection.onConnected(() => {
      // Back after a drop: edits queued while offline go out now, not at the next backoff step.
      if (connectedBefore) sync.retryNow?.();
      connectedBefore = true;
      pipeline.resume();
      endCatchUp();
      catchingUp = true;
      delivery.beginCatchUp();
    }),
    connection.onMessage(handleMessage),
    // A replay cut short: release what was held rather than keep it forever.
    connection.onDisconnected(endCatchUp),
  ];
  views.preferences.set(sync.preferences.get());
  views.sync.set(sync.status.get());
  views.unread.set(store.notifications.unreadCount());

  return {
    profile,

    async start() {
      await delivery.start();
      if (closed) return;
      publishHealth();
      // Calls left ringing by the last run ring out first: none is raised again ringing.
      delivery.ringOutLeftovers(store.meta);
      // As a batch: re-raised pop-ups go out one at a time, each marked before the next.
      const reraised = batches.run(() => reraisePending());
      if (reraised > 0) logger.info('Re-raised pop-ups interrupted by the last exit', { reraised });
      reminders.start();
      housekeeper.start();
      await sync.start();
      if (closed) return;
      const loaded = sync.preferences.get();
      if (loaded) muteWatcher.update(loaded.preferences);
      connection.start();
    },

    async close() {
      if (closed) return;
      closed = true;
      connection.stop();
      reminders.stop();
      muteWatcher.stop();
      // What coalescing windows still hold pops up now, and its decisions are still told.
      await delivery.flush();
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      delivery.stop();
      housekeeper.stop();
      views.catchUp.set(null);
      await sync.stop();
      store.close();
    },

    context,

    activity(limit) {
      return store.events.recent(limit).map((recorded) => pipeline.activityItem(recorded));
    },

    notifications: (limit) => store.notifications.list(limit),
    markRead: (ids) => delivery.markRead(ids),
    edit: (change) => sync.edit(change),
    editBusinessDefaults: (change) => sync.editBusinessDefaults(change),
    sendSample,

    replan(reason) {
      logger.info('Re-planning timers', { reason });
      reminders.replan();
      muteWatcher.replan();
      // A wake-up: reconnect now rather than wait out a backoff planned before the sleep.
      if (reason === 'resume' && connection.state.get().status === 'reconnecting') {
        connection.start();
      }
    },
  };
}
