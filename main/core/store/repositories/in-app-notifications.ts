import type { Database, Statement } from 'better-sqlite3';
import { eventKinds, type EventKind, type InAppNotification } from '../../../../common';
import type { InAppNotificationRepository } from './index';
import { nullableText, text, type Row } from './rows';

const isEventKind = (value: string): value is EventKind =>
  (eventKinds as readonly string[]).includes(value);

/** The in-app list (`in_app_notifications`): every alert kept, with why it was quiet. */
export class SqliteInAppNotifications implements InAppNotificationRepository {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #put: Statement;
  readonly #update: Statement;
  readonly #updateWithReason: Statement;
  readonly #list: Statement;
  readonly #markRead: Statement;
  readonly #markAllRead: Statement;
  readonly #unread: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO in_app_notifications
         (id, event_id, title, body, created_at, read, quiet_reason, kind)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#put = db.prepare(
      `INSERT INTO in_app_notifications
         (id, event_id, title, body, created_at, read, quiet_reason, kind)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body`,
    );
    this.#update = db.prepare(
      // Words it already says change nothing (a ring-out, then the call's "missed" stop): read
      // stays read.
      `UPDATE in_app_notifications SET title = @title, body = @body, read = 0
       WHERE id = @id AND (title IS NOT @title OR body IS NOT @body)`,
    );
    this.#updateWithReason = db.prepare(
      'UPDATE in_app_notifications SET title = ?, body = ?, quiet_reason = ?, read = 0 WHERE id = ?',
    );
    this.#list = db.prepare(
      'SELECT * FROM in_app_notifications ORDER BY created_at DESC, rowid DESC LIMIT ?',
    );
    this.#markRead = db.prepare(
      'UPDATE in_app_notifications SET read = 1 WHERE id = ? AND read = 0',
    );
    this.#markAllRead = db.prepare('UPDATE in_app_notifications SET read = 1 WHERE read = 0');
    // Kept by triggers in the same transaction as every write to the list (migration 0006): one
    // row, whatever the list holds.
    this.#unread = db.prepare('SELECT count FROM in_app_unread WHERE id = 1').pluck();
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
      item.kind ?? null,
    );
  }

  put(item: InAppNotification): void {
    this.#put.run(
      item.id,
      item.eventId,
      item.title,
      item.body,
      item.createdAt,
      item.read ? 1 : 0,
      item.quietReason,
      item.kind ?? null,
    );
  }

  update(
    id: string,
    change: { title: string; body: string; quietReason?: string | null },
  ): boolean {
    const result =
      change.quietReason === undefined
        ? this.#update.run({ title: change.title, body: change.body, id })
        : this.#updateWithReason.run(change.title, change.body, change.quietReason, id);
    return result.changes > 0;
  }

  list(limit: number): InAppNotification[] {
    return (this.#list.all(limit) as Row[]).map((row) => {
      const kind = nullableText(row.kind);
      const item: InAppNotification = {
        id: text(row.id),
        eventId: text(row.event_id),
        title: text(row.title),
        body: text(row.body),
        createdAt: Number(row.created_at),
        read: Number(row.read) === 1,
        quietReason: nullableText(row.quiet_reason),
      };
      // A kind no build knows (a newer one wrote it) is left out, as for an item without one.
      if (kind !== null && isEventKind(kind)) item.kind = kind;
      return item;
    });
  }

  markRead(ids: readonly string[]): number {
    return this.#db.transaction(() =>
      ids.reduce((changed, id) => changed + this.#markRead.run(id).changes, 0),
    )();
  }

  markAllRead(): number {
    return this.#markAllRead.run().changes;
  }

  unreadCount(): number {
    return Number(this.#unread.get());
  }
}
