import type { ServiceEvent } from '../../common';
import type { Prepare } from './statements';

/** Each user's event stream, numbered by `seq`. */
export interface EventQueries {
  /** The data epoch: made with the database, never changed (`socketMessages.session`). */
  epoch(): string;
  /** The user's newest seq, 0 before their first event. */
  lastSeq(userId: string): number;
  /** Stores an event under the seq it carries; the caller is in a transaction. */
  appendEvent(event: ServiceEvent): void;
  /** At most `limit` events of the user with a seq above `afterSeq`, in seq order. */
  eventsAfter(userId: string, afterSeq: number, limit: number): ServiceEvent[];
}

/** The event queries over the service's file. */
export function eventQueries(prepare: Prepare): EventQueries {
  return {
    epoch() {
      const row = prepare<[], { value: string }>(
        "SELECT value FROM service_meta WHERE key = 'epoch'",
      ).get();
      if (!row) throw new Error('The service database has no epoch');
      return row.value;
    },

    lastSeq(userId) {
      const row = prepare<[string], { last: number | null }>(
        'SELECT MAX(seq) AS last FROM events WHERE user_id = ?',
      ).get(userId);
      return row?.last ?? 0;
    },

    appendEvent(event) {
      prepare('INSERT INTO events (user_id, seq, id, kind, event_json) VALUES (?, ?, ?, ?, ?)').run(
        event.userId,
        event.seq,
        event.id,
        event.kind,
        JSON.stringify(event),
      );
    },

    eventsAfter(userId, afterSeq, limit) {
      return prepare<[string, number, number], { event_json: string }>(
        'SELECT event_json FROM events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
        .all(userId, afterSeq, limit)
        .map((row) => JSON.parse(row.event_json) as ServiceEvent);
    },
  };
}
