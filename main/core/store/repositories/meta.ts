import type { Database, Statement } from 'better-sqlite3';
import { durably } from '../database';
import type { MetaRepository } from './index';
import { nullableText } from './rows';

/** Small key/value facts (`meta`): device id, cached profile, newest usage period. */
export class SqliteMeta implements MetaRepository {
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
