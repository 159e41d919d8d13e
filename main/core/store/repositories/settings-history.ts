import type { Database, Statement } from 'better-sqlite3';
import { durably } from '../database';
import type { SettingsHistoryEntry, SettingsHistoryRepository } from './index';
import { nullableText, parseJson, text, toJson, type Row } from './rows';

/** Who changed which setting, when, from where (`settings_history`); every write durable. */
export class SqliteSettingsHistory implements SettingsHistoryRepository {
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
      at: Number(row.at),
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
