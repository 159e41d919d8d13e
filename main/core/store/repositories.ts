import type {
  AlertEvent,
  BusinessDefaults,
  Decision,
  InAppNotification,
  ServiceEvent,
  UserPreferences,
} from '../../../common';

/**
 * What the rest of the core needs from the local store. `openStore()` (store/index.ts) returns a
 * `Store` backed by better-sqlite3 on disk; every repository is synchronous (better-sqlite3 is),
 * and every write that must survive a crash is committed before the method returns.
 */

export interface ProcessedEventRepository {
  /** Highest service sequence number fully processed (0 when none): sent as `afterSeq`. */
  lastSeq(): number;
  /** Whether an event with this id was already recorded (duplicates are dropped by id). */
  has(eventId: string): boolean;
  /**
   * Records that an event was received and decided, in one transaction with advancing `lastSeq`
   * (for service events). Returns false, changing nothing, when the id was already recorded.
   */
  recordDecision(event: AlertEvent | ServiceEvent, decision: Decision, decidedAt: number): boolean;
  /** Marks the pop-up for this event as done (shown or failed), so a restart does not raise it again. */
  markNotified(eventId: string, notifiedAt: number): void;
  /** Events decided to pop up but not yet marked notified: re-raised at the next start. */
  pendingNotifications(): Array<{ event: AlertEvent; decision: Decision }>;
  /** Most recent first. */
  recent(limit: number): Array<{ event: AlertEvent; decision: Decision; decidedAt: number }>;
}

export interface InAppNotificationRepository {
  add(item: InAppNotification): void;
  list(limit: number): InAppNotification[];
  markRead(ids: readonly string[]): number;
  unreadCount(): number;
}

export interface ScheduledReminder {
  /** `${appointmentId}:${offset}` */
  id: string;
  appointmentId: string;
  offset: '1d' | '1h' | '15m' | '1m' | 'created';
  dueAt: number;
  appointmentStartsAt: number;
  appointmentEndsAt: number;
  title: string;
  contactName: string | null;
  /** null until raised. */
  firedAt: number | null;
}

export interface ReminderRepository {
  /** Replaces every reminder of one appointment (a moved appointment). */
  replaceForAppointment(appointmentId: string, reminders: readonly ScheduledReminder[]): void;
  cancelAppointment(appointmentId: string): void;
  /** Reminders not yet fired, earliest first. */
  pending(): ScheduledReminder[];
  markFired(ids: readonly string[], firedAt: number): void;
}

export interface UsageAlertRepository {
  /** Thresholds (75, 90, 100) already alerted for a billing period. */
  firedThresholds(periodId: string): number[];
  markFired(periodId: string, threshold: number, firedAt: number): void;
}

/** A cached server document with the version it was fetched or acknowledged at. */
export interface Versioned<Document> {
  version: number;
  document: Document;
}

export interface PreferencesRepository {
  /** The last preferences the server acknowledged (the merge base), if any. */
  serverPreferences(): Versioned<UserPreferences> | null;
  setServerPreferences(value: Versioned<UserPreferences>): void;
  /** What the user sees: server copy with pending local edits applied. */
  localPreferences(): UserPreferences | null;
  setLocalPreferences(value: UserPreferences): void;
  businessDefaults(): Versioned<BusinessDefaults> | null;
  setBusinessDefaults(value: Versioned<BusinessDefaults>): void;
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

export interface PreferenceOutboxRepository {
  enqueue(entry: Omit<OutboxEntry, 'id' | 'attempts'>): OutboxEntry;
  pending(): OutboxEntry[];
  remove(id: number): void;
  count(): number;
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

/** Small key/value facts: device id, profile cache, last usage period. */
export interface MetaRepository {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

export interface Store {
  readonly path: string;
  readonly events: ProcessedEventRepository;
  readonly notifications: InAppNotificationRepository;
  readonly reminders: ReminderRepository;
  readonly usageAlerts: UsageAlertRepository;
  readonly preferences: PreferencesRepository;
  readonly outbox: PreferenceOutboxRepository;
  readonly history: SettingsHistoryRepository;
  readonly meta: MetaRepository;
  /** Runs `work` in one transaction. */
  transaction<Result>(work: () => Result): Result;
  integrityCheck(): string;
  close(): void;
}

// ---------- Additions for preference sync (additive: `Store` above is unchanged) ----------

/** Preferences cache plus the admin's local copy of business defaults (server copy + pending edits). */
export interface SyncPreferencesRepository extends PreferencesRepository {
  localBusinessDefaults(): BusinessDefaults | null;
  setLocalBusinessDefaults(value: BusinessDefaults): void;
}

/** The outbox plus what the sync loop needs to coalesce safely. */
export interface SyncOutboxRepository extends PreferenceOutboxRepository {
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

/** What `openStore()` returns and the sync engine takes. */
export interface SyncStore extends Store {
  readonly preferences: SyncPreferencesRepository;
  readonly outbox: SyncOutboxRepository;
}
