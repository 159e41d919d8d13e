import type { Database, Statement } from 'better-sqlite3';
import { durably } from '../database';
import type { OutboxEntry, PreferenceOutboxRepository } from './index';
import { parseJson, text, type Row } from './rows';

function toOutboxEntry(row: Row): OutboxEntry {
  return {
    id: Number(row.id),
    idempotencyKey: text(row.idempotency_key),
    document: text(row.document) as OutboxEntry['document'],
    changes: parseJson(row.changes) as Record<string, unknown>,
    baseVersion: Number(row.base_version),
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
  };
}

/** Settings edits not yet acknowledged by the service (`preference_outbox`); every write durable. */
export class SqlitePreferenceOutbox implements PreferenceOutboxRepository {
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

  remove(id: number): void {
    durably(this.#db, () => this.#remove.run(id));
  }

  count(): number {
    return Number(this.#count.get());
  }

  markAttempt(id: number): OutboxEntry | null {
    const row = durably(this.#db, () => this.#markAttempt.get(id) as Row | undefined);
    return row === undefined ? null : toOutboxEntry(row);
  }

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
