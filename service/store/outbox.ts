import type { OutboxEntry } from '../../common';
import type { Prepare } from './statements';

/** The emails and texts the service "sent": one row each, never sent anywhere. */
export interface OutboxQueries {
  appendOutbox(entry: Omit<OutboxEntry, 'id'>): OutboxEntry;
  /** Outbox rows of one business's users (or of one of them) after `afterId`, oldest first. */
  outbox(filter: {
    businessId: string;
    userId: string | null;
    afterId: number;
    limit: number;
  }): OutboxEntry[];
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

/** The outbox queries over the service's file. */
export function outboxQueries(prepare: Prepare): OutboxQueries {
  return {
    appendOutbox(entry) {
      const result = prepare(
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
    },

    outbox(filter) {
      return prepare<[string, string | null, string | null, number, number], OutboxRow>(
        `SELECT * FROM outbox WHERE user_id IN (SELECT id FROM users WHERE business_id = ?)
           AND (? IS NULL OR user_id = ?) AND id > ? ORDER BY id LIMIT ?`,
      )
        .all(filter.businessId, filter.userId, filter.userId, filter.afterId, filter.limit)
        .map(toOutboxEntry);
    },
  };
}
