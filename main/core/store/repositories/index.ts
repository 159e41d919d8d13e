import type {
  AlertEvent,
  BusinessDefaults,
  Decision,
  EventOfKind,
  InAppNotification,
  PopupRecord,
  PushedEvent,
  ServiceEvent,
  ServiceOutcome,
  UserPreferences,
} from '../../../../common';

/**
 * What the rest of the core needs from the local store: the one contract, types only.
 * `openStore()` (store/index.ts) returns a `Store`: the SQLite repositories in this folder over
 * one better-sqlite3 connection. Every repository is synchronous (better-sqlite3 is). A write
 * outside a transaction is committed before the method returns, except a pop-up mark
 * (`markNotified`), written with the others of its microtask run; settings writes are also
 * fsynced (see README.md).
 */

/** An event as the pipeline records it: from the service (with its seq and outcome) or local. */
export type IncomingEvent = AlertEvent | ServiceEvent | PushedEvent;

/** One decided event, as recorded, with everything that says what happened to it. */
export interface RecordedEvent {
  event: AlertEvent;
  decision: Decision;
  decidedAt: number;
  /** The service's seq; null for an alert the companion raised itself (not confirmed yet). */
  seq: number | null;
  /** What the service reported doing on email and SMS; null when it reported nothing. */
  outcome: ServiceOutcome | null;
  /** The pop-up's record once it left the companion's hands. */
  popup: PopupRecord | null;
  /** The pop-up was handed off (`notified_at` set), also before results were recorded. */
  notified: boolean;
  /** The in-app list holds an item for the event (items carry their event's id). */
  listed: boolean;
}

export interface ProcessedEventRepository {
  /** Highest service sequence number fully processed (0 when none): sent as `afterSeq`. */
  lastSeq(): number;
  /** The service's data epoch `lastSeq` belongs to; null before the first `session`. */
  epoch(): string | null;
  /**
   * Stores the epoch and moves `lastSeq` to `lastSeq` (down as well as up): a new epoch is
   * replayed from its start; the records stay, and repeats are dropped by id.
   */
  startEpoch(epoch: string, lastSeq: number): void;
  /** Whether an event with this id was already recorded (duplicates are dropped by id). */
  has(eventId: string): boolean;
  /**
   * Records that an event was received and decided, in one transaction with advancing `lastSeq`
   * (for service events) and with the service's outcome when it carries one. Returns false,
   * changing nothing, when the id was already recorded.
   */
  recordDecision(event: IncomingEvent, decision: Decision, decidedAt: number): boolean;
  /**
   * The service's copy of an alert the companion raised itself (the same id: a reminder shown
   * while the link was down): gives the row its seq and outcome and advances `lastSeq`. Returns
   * false, changing nothing, when no local row of that id is waiting for its copy.
   */
  adoptServiceCopy(event: ServiceEvent | PushedEvent): boolean;
  /**
   * The service's new outcome for an event it sent earlier (a held email or text went out in a
   * digest: protocol 3's `outcomeUpdated`). Returns false, changing nothing, when no event of
   * that id and seq is recorded.
   */
  updateOutcome(eventId: string, seq: number, outcome: ServiceOutcome): boolean;
  /**
   * Records what became of the pop-up for this event (shown, failed, withdrawn), so a restart
   * does not raise it again. Outside a transaction the mark is held and written with the other
   * marks of the same microtask run; inside one it joins it.
   */
  markNotified(eventId: string, notifiedAt: number, popup: PopupRecord): void;
  /**
   * Writes the marks `markNotified` holds now (before the next pop-up goes out; at close).
   * Returns false when they could not be written (they are dropped: the pop-ups are raised
   * again at the next start).
   */
  flushMarks(): boolean;
  /**
   * The same mark for many events (a pop-up that stands for a whole catch-up's backlog),
   * written outside a transaction a slice at a time, a turn of the event loop apart, so no
   * turn is held long; `written` hears each slice once it is on disk (null when writing failed:
   * the rest are dropped and raised again at the next start). `flushMarks` writes whatever is
   * left at once. Inside a transaction it joins it, and `written` hears every id at once.
   * The marks are rows of `popup_marks` (migration 0009), read back as the events' own.
   */
  markNotifiedInTurns(
    eventIds: readonly string[],
    notifiedAt: number,
    popup: PopupRecord,
    written: (eventIds: readonly string[] | null) => void,
  ): void;
  /**
   * Marks of `markNotifiedInTurns` are still being written: the event batch hands no next
   * pop-up to the notifier until they are (rule 4, main/core/event-batch.ts).
   */
  readonly writingMarks: boolean;
  /** Events decided to pop up but not yet marked notified: re-raised at the next start. */
  pendingNotifications(): Array<{ event: AlertEvent; decision: Decision }>;
  /** One recorded event, or null. */
  get(eventId: string): RecordedEvent | null;
  /**
   * The recorded events of these ids, by id (one statement: the end of a long catch-up reads
   * thousands back; ids not recorded are absent).
   */
  getMany(eventIds: readonly string[]): Map<string, RecordedEvent>;
  /**
   * Every recorded event of one call (ringing, answered, missed, ended), in the order they were
   * recorded: where a call's state is read from, however many calls came since (indexed).
   */
  callEvents(callId: string): Array<EventOfKind<'call'>>;
  /**
   * The ringing call events decided after `instant` whose call has no stop recorded (a lost
   * stop, or a companion that stopped while it rang), oldest first; `owed`: its pop-up is still
   * owed (`pendingNotifications`).
   */
  unstoppedCalls(
    instant: number,
  ): Array<{ event: EventOfKind<'call'>; decidedAt: number; owed: boolean }>;
  /** Most recent first. */
  recent(limit: number): RecordedEvent[];
}

export interface InAppNotificationRepository {
  /** Adds an item unless one with its id exists. */
  add(item: InAppNotification): void;
  /** Adds an item, or rewrites the title and body of the one with its id (a missed call). */
  put(item: InAppNotification): void;
  /**
   * Rewrites what a listed item says (a ringing call answered by a teammate, or missed) and its
   * quiet reason when given; unread again, so the change is seen. Returns false when no item has
   * this id, or it says these words already (then it stays as it is, read or not). Event-path writes: inside a batch it joins the batch's transaction.
   */
  update(id: string, change: { title: string; body: string; quietReason?: string | null }): boolean;
  list(limit: number): InAppNotification[];
  markRead(ids: readonly string[]): number;
  /** Marks every unread item read; returns how many changed. */
  markAllRead(): number;
  /** Unread items: a maintained counter (migration 0006), constant time. */
  unreadCount(): number;
}

/** The local reminder schedule's state of one appointment (the pure detector's, as JSON data). */
export interface StoredReminderState {
  appointmentId: string;
  /** As the detector left it; validated with its `stateSchema` by whoever reads it. */
  state: unknown;
  /** When it next needs time to pass, or null: never. */
  wakeAt: number | null;
}

export interface ReminderStateRepository {
  get(appointmentId: string): StoredReminderState | null;
  /** Keeps a state (null: forgets the appointment). Event-path writes: they join the batch. */
  put(appointmentId: string, state: unknown, wakeAt: number | null): void;
  /** States whose `wakeAt` is at or before `now`, earliest first. */
  dueBy(now: number): StoredReminderState[];
  /** The earliest `wakeAt` after `instant`, or null. */
  nextWakeAfter(instant: number): number | null;
}

/** A cached server document with the version it was fetched or acknowledged at. */
export interface Versioned<Document> {
  version: number;
  document: Document;
}

/** The preferences cache, and the business defaults (server copy and the admin's local copy). */
export interface PreferencesRepository {
  /** The last preferences the server acknowledged (the merge base), if any. */
  serverPreferences(): Versioned<UserPreferences> | null;
  setServerPreferences(value: Versioned<UserPreferences>): void;
  /** What the user sees: server copy with pending local edits applied. */
  localPreferences(): UserPreferences | null;
  setLocalPreferences(value: UserPreferences): void;
  /** The server's copy of the business defaults (the merge base), if any. */
  serverBusinessDefaults(): Versioned<BusinessDefaults> | null;
  setServerBusinessDefaults(value: Versioned<BusinessDefaults>): void;
  /** What an admin sees of the business defaults: server copy with their pending edits applied. */
  localBusinessDefaults(): BusinessDefaults | null;
  setLocalBusinessDefaults(value: BusinessDefaults): void;
}

export interface OutboxEntry {
  id: number;
  /** Sent as `Idempotency-Key`: a retry after a crash applies once on the service. */
  idempotencyKey: string;
  /** `preferences` or `businessDefaults`. */
  document: 'preferences' | 'businessDefaults';
  /** Field-level edits: dotted path → new value. */
  changes: Record<string, unknown>;
  baseVersion: number;
  createdAt: number;
  attempts: number;
}

/** Settings edits waiting to reach the service, in order. */
export interface PreferenceOutboxRepository {
  enqueue(entry: Omit<OutboxEntry, 'id' | 'attempts'>): OutboxEntry;
  pending(): OutboxEntry[];
  /** Idempotent: removing an entry already gone changes nothing. */
  remove(id: number): void;
  count(): number;
  /**
   * Counts one send attempt, committed before the request goes out: an entry that may have
   * reached the service is never merged with later edits (its idempotency key names fixed content).
   * Returns the updated entry, or null when it is gone.
   */
  markAttempt(id: number): OutboxEntry | null;
  /**
   * Merges entries into the lowest id of them (keeping its place), deleting the others, in one
   * transaction; `changes` and `idempotencyKey` replace the kept entry's.
   */
  merge(
    ids: readonly number[],
    changes: Record<string, unknown>,
    idempotencyKey: string,
  ): OutboxEntry | null;
}

export interface SettingsHistoryEntry {
  at: number;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  /** User id or name of who changed it. */
  by: string;
  deviceId: string | null;
  origin: 'local' | 'server';
  /** Why, when it is not a plain edit: "business defaults turned this off", "conflict: server kept". */
  note: string | null;
}

export interface SettingsHistoryRepository {
  add(entries: readonly SettingsHistoryEntry[]): void;
  recent(limit: number): SettingsHistoryEntry[];
}

/** Small key/value facts: device id, profile cache. */
export interface MetaRepository {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/** How much history retention keeps: `keepDays` or `keepItems`, whichever keeps more. */
export interface RetentionRule {
  keepDays: number;
  keepItems: number;
  /** Rows pruned per step, per table. */
  batchSize: number;
}

/** What one retention step pruned; `more`: a full batch went, another step may find more. */
export interface PruneResult {
  items: number;
  events: number;
  more: boolean;
}

/** Retention of the in-app list and the processed-event records (store/retention.ts). */
export interface StoreRetention {
  readonly rule: RetentionRule;
  /** One small step, in a transaction of its own: call it outside any batch, when quiet. */
  prune(now: number): PruneResult;
}

/** What a checkpoint found in the WAL, and copied into the database, in pages. */
export interface CheckpointResult {
  walPages: number;
  checkpointedPages: number;
}

/** The WAL's checkpoints (store/wal-checkpoint.ts). */
export interface StoreWal {
  /** True: commits never checkpoint by themselves; false: SQLite's default (1,000 pages). */
  holdAutomaticCheckpoints(hold: boolean): void;
  /** A checkpoint that waits for nobody (PASSIVE). */
  checkpoint(): CheckpointResult;
  /** The WAL file's size now, in bytes (0 in memory). */
  bytes(): number;
}

/** One user's local store: what `openStore()` returns. */
export interface Store {
  /** The database file (or `':memory:'`). */
  readonly path: string;
  readonly events: ProcessedEventRepository;
  readonly notifications: InAppNotificationRepository;
  readonly reminderStates: ReminderStateRepository;
  readonly preferences: PreferencesRepository;
  readonly outbox: PreferenceOutboxRepository;
  readonly history: SettingsHistoryRepository;
  readonly meta: MetaRepository;
  readonly retention: StoreRetention;
  readonly wal: StoreWal;
  /**
   * Runs `work` in one durable transaction, fsynced before this returns (`synchronous = FULL`):
   * for settings, where an edit must never vanish. Never for events: see `eventTransaction`.
   */
  transaction<Result>(work: () => Result): Result;
  /**
   * The event path's transaction: WAL with the connection's `synchronous = NORMAL`, so a commit
   * is one append to the WAL and no fsync. It survives the app being killed (the WAL is in the
   * OS); an OS crash or power loss may drop the last few commits whole, `lastSeq` with them, so
   * the service replays those events (see README.md). Each event batch runs in one
   * (main/core/event-batch.ts). Nested calls, and calls inside `transaction()`, join the outer one.
   */
  eventTransaction<Result>(work: () => Result): Result;
  /** SQLite's `integrity_check`: `'ok'` for a sound file. */
  integrityCheck(): string;
  /** Writes held marks, then closes the connection. */
  close(): void;
}
