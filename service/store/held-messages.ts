import type { HoldReason } from '../../common';
import type { Prepare } from './statements';

/** An email or text held back for a digest (`service/outbound.ts`). Times are epoch ms. */
export interface HeldMessage {
  id: number;
  userId: string;
  eventId: string;
  channel: 'email' | 'text';
  destination: string;
  /** The alert type and line it belongs to: what one digest gathers. */
  burstKey: string;
  reason: HoldReason;
  alertType: string;
  subject: string;
  body: string;
  heldAt: number;
  dueAt: number;
}

/** When one destination's hour began and how many messages it has had in it. */
export interface DestinationHour {
  startedAt: number;
  sent: number;
}

/**
 * What spacing out emails and texts keeps (`burst_windows`, `destination_hours`,
 * `held_messages`): written in the transaction of the event (or digest) that changes them, so a
 * restart sends what was held when it falls due.
 */
export interface HeldMessageQueries {
  /** When the burst window of one user, channel and burst key ends, or null when none is open. */
  burstWindowEnd(userId: string, channel: string, burstKey: string): number | null;
  /** Opens or moves a burst window; null closes it. */
  setBurstWindow(userId: string, channel: string, burstKey: string, endsAt: number | null): void;
  destinationHour(channel: string, destination: string): DestinationHour | null;
  setDestinationHour(channel: string, destination: string, hour: DestinationHour): void;
  holdMessage(message: Omit<HeldMessage, 'id'>): void;
  /** Held messages due at or before `now`, earliest first. */
  heldMessagesDue(now: number): HeldMessage[];
  /** The earliest due time of a held message, or null when none is held. */
  nextHeldMessageDue(): number | null;
  /** Holds `ids` again, for the hourly cap, until `dueAt`. */
  holdForHourlyCap(ids: readonly number[], dueAt: number): void;
  /** Forgets held messages once their digest is written. */
  dropHeldMessages(ids: readonly number[]): void;
}

interface HeldRow {
  id: number;
  user_id: string;
  event_id: string;
  channel: string;
  destination: string;
  burst_key: string;
  reason: string;
  alert_type: string;
  subject: string;
  body: string;
  held_at: number;
  due_at: number;
}

function toHeldMessage(row: HeldRow): HeldMessage {
  return {
    id: row.id,
    userId: row.user_id,
    eventId: row.event_id,
    channel: row.channel === 'text' ? 'text' : 'email',
    destination: row.destination,
    burstKey: row.burst_key,
    reason: row.reason === 'hourlyCap' ? 'hourlyCap' : 'burst',
    alertType: row.alert_type,
    subject: row.subject,
    body: row.body,
    heldAt: row.held_at,
    dueAt: row.due_at,
  };
}

/** The held-message queries over the service's file. */
export function heldMessageQueries(prepare: Prepare): HeldMessageQueries {
  return {
    burstWindowEnd(userId, channel, burstKey) {
      const row = prepare<[string, string, string], { ends_at: number }>(
        'SELECT ends_at FROM burst_windows WHERE user_id = ? AND channel = ? AND burst_key = ?',
      ).get(userId, channel, burstKey);
      return row?.ends_at ?? null;
    },

    setBurstWindow(userId, channel, burstKey, endsAt) {
      if (endsAt === null) {
        prepare(
          'DELETE FROM burst_windows WHERE user_id = ? AND channel = ? AND burst_key = ?',
        ).run(userId, channel, burstKey);
        return;
      }
      prepare(
        `INSERT INTO burst_windows (user_id, channel, burst_key, ends_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, channel, burst_key) DO UPDATE SET ends_at = excluded.ends_at`,
      ).run(userId, channel, burstKey, endsAt);
    },

    destinationHour(channel, destination) {
      const row = prepare<[string, string], { started_at: number; sent: number }>(
        'SELECT started_at, sent FROM destination_hours WHERE channel = ? AND destination = ?',
      ).get(channel, destination);
      return row ? { startedAt: row.started_at, sent: row.sent } : null;
    },

    setDestinationHour(channel, destination, hour) {
      prepare(
        `INSERT INTO destination_hours (channel, destination, started_at, sent) VALUES (?, ?, ?, ?)
         ON CONFLICT (channel, destination)
         DO UPDATE SET started_at = excluded.started_at, sent = excluded.sent`,
      ).run(channel, destination, hour.startedAt, hour.sent);
    },

    holdMessage(message) {
      prepare(
        `INSERT INTO held_messages (user_id, event_id, channel, destination, burst_key, reason,
           alert_type, subject, body, held_at, due_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        message.userId,
        message.eventId,
        message.channel,
        message.destination,
        message.burstKey,
        message.reason,
        message.alertType,
        message.subject,
        message.body,
        message.heldAt,
        message.dueAt,
      );
    },

    heldMessagesDue(now) {
      return prepare<[number], HeldRow>(
        'SELECT * FROM held_messages WHERE due_at <= ? ORDER BY due_at, id',
      )
        .all(now)
        .map(toHeldMessage);
    },

    nextHeldMessageDue() {
      const row = prepare<[], { next: number | null }>(
        'SELECT MIN(due_at) AS next FROM held_messages',
      ).get();
      return row?.next ?? null;
    },

    holdForHourlyCap(ids, dueAt) {
      prepare(
        `UPDATE held_messages SET reason = 'hourlyCap', due_at = ?
         WHERE id IN (SELECT value FROM json_each(?))`,
      ).run(dueAt, JSON.stringify(ids));
    },

    dropHeldMessages(ids) {
      prepare('DELETE FROM held_messages WHERE id IN (SELECT value FROM json_each(?))').run(
        JSON.stringify(ids),
      );
    },
  };
}
