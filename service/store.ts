import {
  type BusinessDefaults,
  type Line,
  type OutboxEntry,
  type RingGroup,
  type Role,
  type ServiceEvent,
  type UserPreferences,
} from '../common';
import type Database from 'better-sqlite3';
import type { ServiceDatabase } from './database';

/** One person of a business, as the service stores them. */
export interface ServiceUser {
  id: string;
  /** Short name used for tokens and the CLI: "sam". */
  key: string;
  businessId: string;
  name: string;
  email: string | null;
  role: Role;
  backupPhone: string | null;
  personalLineId: string | null;
  onCall: boolean;
}

export interface Business {
  id: string;
  name: string;
}

export interface Versioned<Document> {
  version: number;
  document: Document;
}

export interface StoredIdempotentResponse {
  requestHash: string;
  status: number;
  etag: string | null;
  body: string;
}

export interface AppliedChange {
  id: number;
  userId: string;
  target: 'preferences' | 'businessDefaults';
  version: number;
  idempotencyKey: string | null;
  appliedAt: string;
}

interface UserRow {
  id: string;
  key: string;
  business_id: string;
  name: string;
  email: string | null;
  role: string;
  backup_phone: string | null;
  personal_line_id: string | null;
  on_call: number;
}

interface LineRow {
  id: string;
  name: string;
  number: string;
  ring_group_id: string | null;
  owner_user_id: string | null;
}

interface OutboxRow {
  id: number;
  user_id: string;
  event_id: string | null;
  channel: string;
  destination: string;
  sender: string | null;
  subject: string | null;
  body: string;
  created_at: string;
}

function toUser(row: UserRow): ServiceUser {
  return {
    id: row.id,
    key: row.key,
    businessId: row.business_id,
    name: row.name,
    email: row.email,
    role: row.role as Role,
    backupPhone: row.backup_phone,
    personalLineId: row.personal_line_id,
    onCall: row.on_call === 1,
  };
}

function toLine(row: LineRow): Line {
  return {
    id: row.id,
    name: row.name,
    number: row.number,
    ringGroupId: row.ring_group_id,
    ownerUserId: row.owner_user_id,
  };
}

function toOutboxEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    userId: row.user_id,
    eventId: row.event_id,
    channel: row.channel === 'text' ? 'text' : 'email',
    destination: row.destination,
    sender: row.sender,
    subject: row.subject,
    body: row.body,
    createdAt: row.created_at,
  };
}

/**
 * Every read and write of the service's data. Synchronous (better-sqlite3): a write is
 * committed before the caller pushes anything, and nothing interleaves inside one call.
 */
export class ServiceStore {
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();

  /**
   * Parsed documents by id. The service is the only writer of its file, so a cache cleared on
   * every write is never stale; it spares a JSON parse of both documents per emitted event.
   */
  private readonly preferencesCache = new Map<string, Versioned<UserPreferences>>();
  private readonly businessDefaultsCache = new Map<string, Versioned<BusinessDefaults>>();

  constructor(readonly database: ServiceDatabase) {}

  /** Prepared once per SQL text: preparing is most of the cost of a small query. */
  private statement<Parameters extends unknown[] = unknown[], Row = unknown>(
    sql: string,
  ): Database.Statement<Parameters, Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<Parameters, Row>;
  }

  /** Runs `work` in one transaction. */
  transaction<Result>(work: () => Result): Result {
    return this.database.transaction(work)();
  }

  // ---------- People and lines ----------

  userByToken(token: string): ServiceUser | null {
    const row = this.statement<[string], UserRow>(
      'SELECT users.* FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.token = ?',
    ).get(token);
    return row ? toUser(row) : null;
  }

  user(userId: string): ServiceUser | null {
    const row = this.statement<[string], UserRow>('SELECT * FROM users WHERE id = ?').get(userId);
    return row ? toUser(row) : null;
  }

  users(): ServiceUser[] {
    return this.statement<[], UserRow>('SELECT * FROM users ORDER BY rowid').all().map(toUser);
  }

  usersOfBusiness(businessId: string): ServiceUser[] {
    return this.statement<[string], UserRow>(
      'SELECT * FROM users WHERE business_id = ? ORDER BY rowid',
    )
      .all(businessId)
      .map(toUser);
  }

  tokens(): Array<{ userId: string; token: string }> {
    return this.statement<[], { user_id: string; token: string }>(
      'SELECT * FROM tokens ORDER BY rowid',
    )
      .all()
      .map((row) => ({ userId: row.user_id, token: row.token }));
  }

  business(businessId: string): Business | null {
    const row = this.statement<[string], Business>(
      'SELECT id, name FROM businesses WHERE id = ?',
    ).get(businessId);
    return row ?? null;
  }

  hasAnyBusiness(): boolean {
    return this.statement('SELECT 1 FROM businesses LIMIT 1').get() !== undefined;
  }

  ringGroupsOf(userId: string): RingGroup[] {
    return this.statement<[string], RingGroup>(
      `SELECT ring_groups.id, ring_groups.name FROM ring_group_members
         JOIN ring_groups ON ring_groups.id = ring_group_members.ring_group_id
         WHERE ring_group_members.user_id = ? ORDER BY ring_groups.rowid`,
    ).all(userId);
  }

  /** The user's personal line and the lines of their ring groups. */
  linesOf(user: ServiceUser): Line[] {
    return this.statement<[string | null, string], LineRow>(
      `SELECT * FROM lines WHERE id = ? OR ring_group_id IN
           (SELECT ring_group_id FROM ring_group_members WHERE user_id = ?)
         ORDER BY rowid`,
    )
      .all(user.personalLineId, user.id)
      .map(toLine);
  }

  setOnCall(userId: string, onCall: boolean): void {
    this.statement('UPDATE users SET on_call = ? WHERE id = ?').run(onCall ? 1 : 0, userId);
  }

  // ---------- Preferences and business defaults ----------

  preferences(userId: string): Versioned<UserPreferences> {
    const cached = this.preferencesCache.get(userId);
    if (cached) return cached;
    const row = this.statement<[string], { preferences_json: string; preferences_version: number }>(
      'SELECT preferences_json, preferences_version FROM users WHERE id = ?',
    ).get(userId);
    if (!row) throw new Error(`No user ${userId}`);
    const versioned = {
      version: row.preferences_version,
      // Validated on every write; reading trusts the service's own file.
      document: JSON.parse(row.preferences_json) as UserPreferences,
    };
    this.preferencesCache.set(userId, versioned);
    return versioned;
  }

  /** Stores new preferences and returns their version (one more than before). */
  writePreferences(userId: string, preferences: UserPreferences): number {
    const { version } = this.preferences(userId);
    this.statement(
      'UPDATE users SET preferences_json = ?, preferences_version = ? WHERE id = ?',
    ).run(JSON.stringify(preferences), version + 1, userId);
    // Cleared rather than set: a rolled-back transaction must not leave its version behind.
    this.preferencesCache.delete(userId);
    return version + 1;
  }

  businessDefaults(businessId: string): Versioned<BusinessDefaults> {
    const cached = this.businessDefaultsCache.get(businessId);
    if (cached) return cached;
    const row = this.statement<[string], { defaults_json: string; defaults_version: number }>(
      'SELECT defaults_json, defaults_version FROM businesses WHERE id = ?',
    ).get(businessId);
    if (!row) throw new Error(`No business ${businessId}`);
    const versioned = {
      version: row.defaults_version,
      document: JSON.parse(row.defaults_json) as BusinessDefaults,
    };
    this.businessDefaultsCache.set(businessId, versioned);
    return versioned;
  }

  writeBusinessDefaults(businessId: string, defaults: BusinessDefaults): number {
    const { version } = this.businessDefaults(businessId);
    this.statement(
      'UPDATE businesses SET defaults_json = ?, defaults_version = ? WHERE id = ?',
    ).run(JSON.stringify(defaults), version + 1, businessId);
    this.businessDefaultsCache.delete(businessId);
    return version + 1;
  }

  // ---------- Idempotency and applied changes ----------

  idempotentResponse(userId: string, key: string): StoredIdempotentResponse | null {
    const row = this.statement<
      [string, string],
      { request_hash: string; status: number; etag: string | null; body: string }
    >(
      'SELECT request_hash, status, etag, body FROM idempotency_keys WHERE user_id = ? AND key = ?',
    ).get(userId, key);
    return row
      ? { requestHash: row.request_hash, status: row.status, etag: row.etag, body: row.body }
      : null;
  }

  recordIdempotentResponse(
    userId: string,
    key: string,
    response: StoredIdempotentResponse,
    at: string,
  ): void {
    this.statement(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, status, etag, body, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(userId, key, response.requestHash, response.status, response.etag, response.body, at);
  }

  recordAppliedChange(change: Omit<AppliedChange, 'id'>): void {
    this.statement(
      `INSERT INTO applied_changes (user_id, target, version, idempotency_key, applied_at)
         VALUES (?, ?, ?, ?, ?)`,
    ).run(change.userId, change.target, change.version, change.idempotencyKey, change.appliedAt);
  }

  /** Applied changes of one business's users, optionally of one user or one key, oldest first. */
  appliedChanges(filter: {
    businessId: string;
    userId?: string;
    idempotencyKey?: string;
  }): AppliedChange[] {
    return this.statement<
      [string, string | null, string | null, string | null, string | null],
      {
        id: number;
        user_id: string;
        target: string;
        version: number;
        idempotency_key: string | null;
        applied_at: string;
      }
    >(
      `SELECT * FROM applied_changes
         WHERE user_id IN (SELECT id FROM users WHERE business_id = ?)
           AND (? IS NULL OR user_id = ?) AND (? IS NULL OR idempotency_key = ?) ORDER BY id`,
    )
      .all(
        filter.businessId,
        filter.userId ?? null,
        filter.userId ?? null,
        filter.idempotencyKey ?? null,
        filter.idempotencyKey ?? null,
      )
      .map((row) => ({
        id: row.id,
        userId: row.user_id,
        target: row.target === 'businessDefaults' ? 'businessDefaults' : 'preferences',
        version: row.version,
        idempotencyKey: row.idempotency_key,
        appliedAt: row.applied_at,
      }));
  }

  // ---------- Events ----------

  lastSeq(userId: string): number {
    const row = this.statement<[string], { last: number | null }>(
      'SELECT MAX(seq) AS last FROM events WHERE user_id = ?',
    ).get(userId);
    return row?.last ?? 0;
  }

  /** Stores an event under the user's next sequence number; the caller is in a transaction. */
  appendEvent(event: ServiceEvent): void {
    this.statement(
      'INSERT INTO events (user_id, seq, id, kind, event_json) VALUES (?, ?, ?, ?, ?)',
    ).run(event.userId, event.seq, event.id, event.kind, JSON.stringify(event));
  }

  eventsAfter(userId: string, afterSeq: number, limit: number): ServiceEvent[] {
    return this.statement<[string, number, number], { event_json: string }>(
      'SELECT event_json FROM events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    )
      .all(userId, afterSeq, limit)
      .map((row) => JSON.parse(row.event_json) as ServiceEvent);
  }

  // ---------- Outbox ----------

  appendOutbox(entry: Omit<OutboxEntry, 'id'>): OutboxEntry {
    const result = this.statement(
      `INSERT INTO outbox (user_id, event_id, channel, destination, sender, subject, body, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      entry.userId,
      entry.eventId,
      entry.channel,
      entry.destination,
      entry.sender,
      entry.subject,
      entry.body,
      entry.createdAt,
    );
    return { ...entry, id: Number(result.lastInsertRowid) };
  }

  /** Outbox rows of one business's users (or of one of them) after `afterId`, oldest first. */
  outbox(filter: {
    businessId: string;
    userId: string | null;
    afterId: number;
    limit: number;
  }): OutboxEntry[] {
    return this.statement<[string, string | null, string | null, number, number], OutboxRow>(
      `SELECT * FROM outbox WHERE user_id IN (SELECT id FROM users WHERE business_id = ?)
         AND (? IS NULL OR user_id = ?) AND id > ? ORDER BY id LIMIT ?`,
    )
      .all(filter.businessId, filter.userId, filter.userId, filter.afterId, filter.limit)
      .map(toOutboxEntry);
  }
}
