import type { Database, Statement, Transaction } from 'better-sqlite3';
import {
  businessDefaultsSchema,
  userPreferencesSchema,
  type AlertEvent,
  type BusinessDefaults,
  type Decision,
  type InAppNotification,
  type ServiceEvent,
  type UserPreferences,
} from '../../../common';
import type { z } from 'zod';
import { durably } from './database';
import type {
  InAppNotificationRepository,
  MetaRepository,
  OutboxEntry,
  PreferenceOutboxRepository,
  PreferencesRepository,
  ProcessedEventRepository,
  ReminderRepository,
  ScheduledReminder,
  SettingsHistoryEntry,
  SettingsHistoryRepository,
  SyncStore,
  UsageAlertRepository,
  Versioned,
} from './repositories';

/** Rows come back from SQLite as loosely typed records; each reader narrows what it uses. */
type Row = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function integer(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : Number(value);
}

function nullableInteger(value: unknown): number | null {
  return value === null || value === undefined ? null : integer(value);
}

function nullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}

function parseJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return JSON.parse(text(value)) as unknown;
}

function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

class SqliteProcessedEvents implements ProcessedEventRepository {
  readonly #db: Database;
  readonly #lastSeq: Statement;
  readonly #has: Statement;
  readonly #insert: Statement;
  readonly #advance: Statement;
  readonly #markNotified: Statement;
  readonly #pending: Statement;
  readonly #recent: Statement;
  /**
   * The insert and the cursor advance as one unit outside a transaction. Inside one (the event
   * path's `eventTransaction`) they run directly instead: a nested better-sqlite3 transaction is
   * a SAVEPOINT and a RELEASE per event, and the order (insert, then advance) already keeps the
   * cursor from ever passing an event that was not inserted.
   */
  readonly #record: Transaction<
    (
      event: AlertEvent | ServiceEvent,
      seq: number | null,
      decision: Decision,
      decidedAt: number,
    ) => boolean
  >;
  /** Marks many events with one time in one statement: the ids as a JSON array. */
  readonly #markMany: Statement;
  readonly #markAll: Transaction<(times: readonly number[], ids: readonly string[]) => void>;
  /** Marks not yet written: see `markNotified`. */
  readonly #pendingMarkIds: string[] = [];
  readonly #pendingMarkTimes: number[] = [];

  constructor(db: Database) {
    this.#db = db;
    this.#lastSeq = db.prepare('SELECT last_seq FROM event_cursor WHERE id = 1').pluck();
    this.#has = db.prepare('SELECT 1 FROM processed_events WHERE id = ?').pluck();
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO processed_events
         (id, seq, kind, event, decision, decided_at, wants_popup, notified_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
    );
    // The cursor is the highest seq seen, not the highest contiguous one: see README.md.
    this.#advance = db.prepare('UPDATE event_cursor SET last_seq = MAX(last_seq, ?) WHERE id = 1');
    this.#markNotified = db.prepare('UPDATE processed_events SET notified_at = ? WHERE id = ?');
    this.#pending = db.prepare(
      `SELECT event, decision FROM processed_events
       WHERE wants_popup = 1 AND notified_at IS NULL ORDER BY decided_at, rowid`,
    );
    this.#recent = db.prepare(
      'SELECT event, decision, decided_at FROM processed_events ORDER BY decided_at DESC, rowid DESC LIMIT ?',
    );
    this.#record = db.transaction(
      (
        event: AlertEvent | ServiceEvent,
        seq: number | null,
        decision: Decision,
        decidedAt: number,
      ) => this.#recordNow(event, seq, decision, decidedAt),
    );
    this.#markMany = db.prepare(
      'UPDATE processed_events SET notified_at = ? WHERE id IN (SELECT value FROM json_each(?))',
    );
    this.#markAll = db.transaction((times: readonly number[], ids: readonly string[]) => {
      // A coalesced pop-up marks thousands of events with one time: one statement per run of
      // equal times rather than one per event (a quarter less time in a burst).
      let start = 0;
      while (start < ids.length) {
        const notifiedAt = times[start] ?? 0;
        let end = start + 1;
        while (end < ids.length && times[end] === notifiedAt) end += 1;
        if (end - start === 1) this.#markNotified.run(notifiedAt, ids[start]);
        else this.#markMany.run(notifiedAt, JSON.stringify(ids.slice(start, end)));
        start = end;
      }
    });
  }

  lastSeq(): number {
    return integer(this.#lastSeq.get() ?? 0);
  }

  has(eventId: string): boolean {
    return this.#has.get(eventId) !== undefined;
  }

  recordDecision(event: AlertEvent | ServiceEvent, decision: Decision, decidedAt: number): boolean {
    const seq = 'seq' in event ? event.seq : null;
    // Default (NORMAL) durability: see README.md — a power loss rolls the cursor back together
    // with the decision, and the service replays from there.
    if (this.#db.inTransaction) return this.#recordNow(event, seq, decision, decidedAt);
    return this.#record(event, seq, decision, decidedAt);
  }

  /**
   * Insert, then advance: when the advance fails after the insert, the cursor stays behind (the
   * event is replayed and dropped as a duplicate), never ahead of an event not recorded.
   */
  #recordNow(
    event: AlertEvent | ServiceEvent,
    seq: number | null,
    decision: Decision,
    decidedAt: number,
  ): boolean {
    let wantsPopup = 0;
    for (const delivery of decision.deliveries) {
      if (delivery.channel === 'desktop') {
        wantsPopup = 1;
        break;
      }
    }
    const inserted = this.#insert.run(
      event.id,
      seq,
      event.kind,
      JSON.stringify(event),
      JSON.stringify(decision),
      decidedAt,
      wantsPopup,
    );
    if (inserted.changes === 0) return false;
    if (seq !== null) this.#advance.run(seq);
    return true;
  }

  /**
   * Records a burst in one transaction (the same rules as `recordDecision`, one commit for all):
   * for a connection that drains several socket messages per tick. Returns, per item, whether it
   * was new.
   */
  recordDecisions(
    items: ReadonlyArray<{
      event: AlertEvent | ServiceEvent;
      decision: Decision;
      decidedAt: number;
    }>,
  ): boolean[] {
    return this.#db.transaction(() =>
      items.map((item) => this.recordDecision(item.event, item.decision, item.decidedAt)),
    )();
  }

  /**
   * Marks written together at the end of the current microtask run, in one transaction: a
   * coalesced pop-up marks every event it stands for (thousands in a burst), and one commit each
   * cost a fifth of the event path's time. The mark is never later than the next turn of the
   * event loop, so `CommitGate`'s "the next pop-up goes out only after the previous one was
   * marked" still holds (it waits a `setImmediate`). Inside a transaction it joins it at once.
   */
  markNotified(eventId: string, notifiedAt: number): void {
    if (this.#db.inTransaction) {
      this.#markNotified.run(notifiedAt, eventId);
      return;
    }
    this.#pendingMarkIds.push(eventId);
    this.#pendingMarkTimes.push(notifiedAt);
    if (this.#pendingMarkIds.length === 1) queueMicrotask(() => this.flushMarks());
  }

  /** Writes the marks `markNotified` holds (before reads of them, and when the store closes). */
  flushMarks(): void {
    if (this.#pendingMarkIds.length === 0 || !this.#db.open) return;
    const ids = this.#pendingMarkIds.splice(0);
    const times = this.#pendingMarkTimes.splice(0);
    try {
      this.#markAll(times, ids);
    } catch {
      // Unmarked pop-ups are raised again at the next start (`pendingNotifications`): the same
      // recovery as a kill between the pop-up and its mark. A failing disk fails the next
      // event transaction loudly; this runs outside any caller that could report it.
    }
  }

  pendingNotifications(): Array<{ event: AlertEvent; decision: Decision }> {
    this.flushMarks();
    return (this.#pending.all() as Row[]).map((row) => ({
      event: parseJson(row.event) as AlertEvent,
      decision: parseJson(row.decision) as Decision,
    }));
  }

  recent(limit: number): Array<{ event: AlertEvent; decision: Decision; decidedAt: number }> {
    return (this.#recent.all(limit) as Row[]).map((row) => ({
      event: parseJson(row.event) as AlertEvent,
      decision: parseJson(row.decision) as Decision,
      decidedAt: integer(row.decided_at),
    }));
  }
}

class SqliteInAppNotifications implements InAppNotificationRepository {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #list: Statement;
  readonly #markRead: Statement;
  readonly #unread: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO in_app_notifications
         (id, event_id, title, body, created_at, read, quiet_reason) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#list = db.prepare(
      'SELECT * FROM in_app_notifications ORDER BY created_at DESC, rowid DESC LIMIT ?',
    );
    this.#markRead = db.prepare(
      'UPDATE in_app_notifications SET read = 1 WHERE id = ? AND read = 0',
    );
    this.#unread = db.prepare('SELECT COUNT(*) FROM in_app_notifications WHERE read = 0').pluck();
  }

  add(item: InAppNotification): void {
    this.#insert.run(
      item.id,
      item.eventId,
      item.title,
      item.body,
      item.createdAt,
      item.read ? 1 : 0,
      item.quietReason,
    );
  }

  list(limit: number): InAppNotification[] {
    return (this.#list.all(limit) as Row[]).map((row) => ({
      id: text(row.id),
      eventId: text(row.event_id),
      title: text(row.title),
      body: text(row.body),
      createdAt: integer(row.created_at),
      read: integer(row.read) === 1,
      quietReason: nullableText(row.quiet_reason),
    }));
  }

  markRead(ids: readonly string[]): number {
    return this.#db.transaction(() =>
      ids.reduce((changed, id) => changed + this.#markRead.run(id).changes, 0),
    )();
  }

  unreadCount(): number {
    return integer(this.#unread.get());
  }
}

class SqliteReminders implements ReminderRepository {
  readonly #db: Database;
  readonly #deleteFor: Statement;
  readonly #insert: Statement;
  readonly #pending: Statement;
  readonly #markFired: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#deleteFor = db.prepare('DELETE FROM reminders WHERE appointment_id = ?');
    this.#insert = db.prepare(
      `INSERT OR REPLACE INTO reminders
         (id, appointment_id, offset, due_at, appointment_starts_at, appointment_ends_at,
          title, contact_name, fired_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#pending = db.prepare(
      'SELECT * FROM reminders WHERE fired_at IS NULL ORDER BY due_at, id',
    );
    this.#markFired = db.prepare('UPDATE reminders SET fired_at = ? WHERE id = ?');
  }

  replaceForAppointment(appointmentId: string, reminders: readonly ScheduledReminder[]): void {
    this.#db.transaction(() => {
      this.#deleteFor.run(appointmentId);
      for (const reminder of reminders) {
        this.#insert.run(
          reminder.id,
          appointmentId,
          reminder.offset,
          reminder.dueAt,
          reminder.appointmentStartsAt,
          reminder.appointmentEndsAt,
          reminder.title,
          reminder.contactName,
          reminder.firedAt,
        );
      }
    })();
  }

  cancelAppointment(appointmentId: string): void {
    this.#deleteFor.run(appointmentId);
  }

  pending(): ScheduledReminder[] {
    return (this.#pending.all() as Row[]).map((row) => ({
      id: text(row.id),
      appointmentId: text(row.appointment_id),
      offset: text(row.offset) as ScheduledReminder['offset'],
      dueAt: integer(row.due_at),
      appointmentStartsAt: integer(row.appointment_starts_at),
      appointmentEndsAt: integer(row.appointment_ends_at),
      title: text(row.title),
      contactName: nullableText(row.contact_name),
      firedAt: nullableInteger(row.fired_at),
    }));
  }

  markFired(ids: readonly string[], firedAt: number): void {
    this.#db.transaction(() => {
      for (const id of ids) this.#markFired.run(firedAt, id);
    })();
  }
}

class SqliteUsageAlerts implements UsageAlertRepository {
  readonly #fired: Statement;
  readonly #mark: Statement;

  constructor(db: Database) {
    this.#fired = db
      .prepare('SELECT threshold FROM usage_alerts WHERE period_id = ? ORDER BY threshold')
      .pluck();
    this.#mark = db.prepare(
      'INSERT OR IGNORE INTO usage_alerts (period_id, threshold, fired_at) VALUES (?, ?, ?)',
    );
  }

  firedThresholds(periodId: string): number[] {
    return this.#fired.all(periodId).map(integer);
  }

  markFired(periodId: string, threshold: number, firedAt: number): void {
    this.#mark.run(periodId, threshold, firedAt);
  }
}

/** The documents table holds these names. */
type DocumentName =
  'preferences.server' | 'preferences.local' | 'businessDefaults.server' | 'businessDefaults.local';

class SqlitePreferences implements PreferencesRepository {
  readonly #db: Database;
  readonly #read: Statement;
  readonly #write: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#read = db.prepare('SELECT version, body FROM documents WHERE name = ?');
    this.#write = db.prepare(
      `INSERT INTO documents (name, version, body) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, body = excluded.body`,
    );
  }

  /** Validated on read (Zulip's config schemata): a row this build cannot read counts as absent. */
  #get<Schema extends z.ZodType>(
    name: DocumentName,
    schema: Schema,
  ): { version: number | null; document: z.infer<Schema> } | null {
    const row = this.#read.get(name) as Row | undefined;
    if (row === undefined) return null;
    const parsed = schema.safeParse(parseJson(row.body));
    if (!parsed.success) return null;
    return { version: nullableInteger(row.version), document: parsed.data };
  }

  #set(name: DocumentName, version: number | null, document: unknown): void {
    durably(this.#db, () => this.#write.run(name, version, JSON.stringify(document)));
  }

  serverPreferences(): Versioned<UserPreferences> | null {
    const value = this.#get('preferences.server', userPreferencesSchema);
    return value === null ? null : { version: value.version ?? 0, document: value.document };
  }

  setServerPreferences(value: Versioned<UserPreferences>): void {
    this.#set('preferences.server', value.version, userPreferencesSchema.parse(value.document));
  }

  localPreferences(): UserPreferences | null {
    return this.#get('preferences.local', userPreferencesSchema)?.document ?? null;
  }

  setLocalPreferences(value: UserPreferences): void {
    this.#set('preferences.local', null, userPreferencesSchema.parse(value));
  }

  businessDefaults(): Versioned<BusinessDefaults> | null {
    const value = this.#get('businessDefaults.server', businessDefaultsSchema);
    return value === null ? null : { version: value.version ?? 0, document: value.document };
  }

  setBusinessDefaults(value: Versioned<BusinessDefaults>): void {
    this.#set(
      'businessDefaults.server',
      value.version,
      businessDefaultsSchema.parse(value.document),
    );
  }

  /** What an admin sees of the business defaults: server copy with their pending edits applied. */
  localBusinessDefaults(): BusinessDefaults | null {
    return this.#get('businessDefaults.local', businessDefaultsSchema)?.document ?? null;
  }

  setLocalBusinessDefaults(value: BusinessDefaults): void {
    this.#set('businessDefaults.local', null, businessDefaultsSchema.parse(value));
  }
}

function toOutboxEntry(row: Row): OutboxEntry {
  return {
    id: integer(row.id),
    idempotencyKey: text(row.idempotency_key),
    document: text(row.document) as OutboxEntry['document'],
    changes: parseJson(row.changes) as Record<string, unknown>,
    baseVersion: integer(row.base_version),
    createdAt: integer(row.created_at),
    attempts: integer(row.attempts),
  };
}

class SqliteOutbox implements PreferenceOutboxRepository {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #pending: Statement;
  readonly #remove: Statement;
  readonly #count: Statement;
  readonly #markAttempt: Statement;
  readonly #replace: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO preference_outbox (idempotency_key, document, changes, base_version, created_at)
       VALUES (?, ?, ?, ?, ?) RETURNING *`,
    );
    this.#pending = db.prepare('SELECT * FROM preference_outbox ORDER BY id');
    this.#remove = db.prepare('DELETE FROM preference_outbox WHERE id = ?');
    this.#count = db.prepare('SELECT COUNT(*) FROM preference_outbox').pluck();
    this.#markAttempt = db.prepare(
      'UPDATE preference_outbox SET attempts = attempts + 1 WHERE id = ? RETURNING *',
    );
    this.#replace = db.prepare(
      `UPDATE preference_outbox SET changes = ?, idempotency_key = ?, attempts = 0
       WHERE id = ? RETURNING *`,
    );
  }

  enqueue(entry: Omit<OutboxEntry, 'id' | 'attempts'>): OutboxEntry {
    return durably(this.#db, () =>
      toOutboxEntry(
        this.#insert.get(
          entry.idempotencyKey,
          entry.document,
          JSON.stringify(entry.changes),
          entry.baseVersion,
          entry.createdAt,
        ) as Row,
      ),
    );
  }

  pending(): OutboxEntry[] {
    return (this.#pending.all() as Row[]).map(toOutboxEntry);
  }

  /** Idempotent: removing an entry already gone changes nothing. */
  remove(id: number): void {
    durably(this.#db, () => this.#remove.run(id));
  }

  count(): number {
    return integer(this.#count.get());
  }

  /**
   * Counts one send attempt, committed before the request goes out: an entry that may have
   * reached the service is never merged with later edits (its idempotency key names fixed content).
   */
  markAttempt(id: number): OutboxEntry | null {
    const row = durably(this.#db, () => this.#markAttempt.get(id) as Row | undefined);
    return row === undefined ? null : toOutboxEntry(row);
  }

  /**
   * Merges entries into the first of them (keeping its place in the queue), deleting the others,
   * in one transaction: `changes` replaces the first entry's changes, under a fresh key.
   */
  merge(
    ids: readonly number[],
    changes: Record<string, unknown>,
    idempotencyKey: string,
  ): OutboxEntry | null {
    const [first, ...rest] = [...ids].sort((left, right) => left - right);
    if (first === undefined) return null;
    return durably(this.#db, () => {
      for (const id of rest) this.#remove.run(id);
      const row = this.#replace.get(JSON.stringify(changes), idempotencyKey, first) as
        Row | undefined;
      return row === undefined ? null : toOutboxEntry(row);
    });
  }
}

class SqliteHistory implements SettingsHistoryRepository {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #recent: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO settings_history (at, field, old_value, new_value, by, device_id, origin, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#recent = db.prepare('SELECT * FROM settings_history ORDER BY id DESC LIMIT ?');
  }

  add(entries: readonly SettingsHistoryEntry[]): void {
    if (entries.length === 0) return;
    durably(this.#db, () => {
      for (const entry of entries) {
        this.#insert.run(
          entry.at,
          entry.field,
          toJson(entry.oldValue),
          toJson(entry.newValue),
          entry.by,
          entry.deviceId,
          entry.origin,
          entry.note,
        );
      }
    });
  }

  recent(limit: number): SettingsHistoryEntry[] {
    return (this.#recent.all(limit) as Row[]).map((row) => ({
      at: integer(row.at),
      field: text(row.field),
      oldValue: parseJson(row.old_value),
      newValue: parseJson(row.new_value),
      by: text(row.by),
      deviceId: nullableText(row.device_id),
      origin: text(row.origin) as SettingsHistoryEntry['origin'],
      note: nullableText(row.note),
    }));
  }
}

class SqliteMeta implements MetaRepository {
  readonly #db: Database;
  readonly #get: Statement;
  readonly #set: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#get = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.#set = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get(key: string): string | null {
    return nullableText(this.#get.get(key));
  }

  set(key: string, value: string): void {
    durably(this.#db, () => this.#set.run(key, value));
  }
}

/** The store over one open, migrated database. */
export class SqliteStore implements SyncStore {
  readonly events: SqliteProcessedEvents;
  readonly notifications: SqliteInAppNotifications;
  readonly reminders: SqliteReminders;
  readonly usageAlerts: SqliteUsageAlerts;
  readonly preferences: SqlitePreferences;
  readonly outbox: SqliteOutbox;
  readonly history: SqliteHistory;
  readonly meta: SqliteMeta;
  readonly #db: Database;
  /** Compiled once: better-sqlite3 builds a wrapper per `db.transaction()` call. */
  readonly #runInTransaction: Transaction<(work: () => unknown) => unknown>;

  constructor(
    db: Database,
    readonly path: string,
  ) {
    this.#db = db;
    this.#runInTransaction = db.transaction((work: () => unknown) => work());
    this.events = new SqliteProcessedEvents(db);
    this.notifications = new SqliteInAppNotifications(db);
    this.reminders = new SqliteReminders(db);
    this.usageAlerts = new SqliteUsageAlerts(db);
    this.preferences = new SqlitePreferences(db);
    this.outbox = new SqliteOutbox(db);
    this.history = new SqliteHistory(db);
    this.meta = new SqliteMeta(db);
  }

  /** Durable (fsynced) transaction: used for settings, where an edit must never vanish. */
  transaction<Result>(work: () => Result): Result {
    return durably(this.#db, work);
  }

  /**
   * The event path's transaction: WAL with the connection's `synchronous = NORMAL`, so a commit
   * is one append to the WAL and no fsync. It survives the app being killed (the WAL is in the
   * OS); an OS crash or power loss may drop the last few commits whole, and `lastSeq` with them,
   * so the service replays those events (see README.md). The companion runs each batch of
   * socket messages that arrived together in one of these. Nested calls (and calls inside a
   * durable `transaction()`) join the outer transaction.
   */
  eventTransaction<Result>(work: () => Result): Result {
    if (this.#db.inTransaction) return work();
    return this.#runInTransaction.immediate(work) as Result;
  }

  integrityCheck(): string {
    const rows = this.#db.pragma('integrity_check', { simple: false }) as Row[];
    return rows.map((row) => text(row.integrity_check)).join('\n');
  }

  /** The underlying connection, for tests and the benchmark only. */
  get database(): Database {
    return this.#db;
  }

  close(): void {
    this.events.flushMarks();
    if (this.#db.open) this.#db.close();
  }
}

export type {
  SqliteHistory,
  SqliteInAppNotifications,
  SqliteMeta,
  SqliteOutbox,
  SqlitePreferences,
  SqliteProcessedEvents,
  SqliteReminders,
  SqliteUsageAlerts,
};
