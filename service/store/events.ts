import type { PushedEvent, ServiceOutcome } from '../../common';
import type { Prepare } from './statements';

/**
 * Each user's event stream, numbered by `seq`. An event is stored as pushed to a protocol-2
 * device: with the `outcome` of email and SMS for its user (events stored before outcomes were
 * recorded have none), so a replay carries the same outcome as the live push did.
 */
export interface EventQueries {
  /** The data epoch: made with the database, never changed (`socketMessages.session`). */
  epoch(): string;
  /** The user's newest seq, 0 before their first event. */
  lastSeq(userId: string): number;
  /** Whether an event with this id is stored (derived ids are deterministic). */
  hasEvent(id: string): boolean;
  /** The users who were sent call `callId` ringing. */
  ringingRecipients(callId: string): string[];
  /** Stores an event under the seq it carries; the caller is in a transaction. */
  appendEvent(event: PushedEvent): void;
  /** At most `limit` events of the user with a seq above `afterSeq`, in seq order. */
  eventsAfter(userId: string, afterSeq: number, limit: number): PushedEvent[];
  /**
   * Changes the outcome stored with an event (a held email or text went out in a digest), so
   * replays carry the new one. `change` gets the stored outcome and answers the new one (null:
   * leave it). Returns the event as stored now, or null when nothing changed.
   */
  changeOutcome(
    eventId: string,
    change: (outcome: ServiceOutcome | undefined) => ServiceOutcome | null,
  ): PushedEvent | null;
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

    hasEvent(id) {
      return prepare<[string], unknown>('SELECT 1 FROM events WHERE id = ?').get(id) !== undefined;
    },

    ringingRecipients(callId) {
      // A scan of the call events: the stand-in service keeps days, not years (no index needed).
      return prepare<[string], { user_id: string }>(
        `SELECT DISTINCT user_id FROM events
         WHERE kind = 'call' AND json_extract(event_json, '$.callId') = ?
           AND json_extract(event_json, '$.state') = 'ringing'
         ORDER BY user_id`,
      )
        .all(callId)
        .map((row) => row.user_id);
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
        .map((row) => JSON.parse(row.event_json) as PushedEvent);
    },

    changeOutcome(eventId, change) {
      const row = prepare<[string], { event_json: string }>(
        'SELECT event_json FROM events WHERE id = ?',
      ).get(eventId);
      if (!row) return null;
      const stored = JSON.parse(row.event_json) as PushedEvent;
      const outcome = change(stored.outcome);
      if (outcome === null) return null;
      const event: PushedEvent = { ...stored, outcome };
      prepare('UPDATE events SET event_json = ? WHERE id = ?').run(JSON.stringify(event), eventId);
      return event;
    },
  };
}
