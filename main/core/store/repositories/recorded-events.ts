import type { AlertEvent, Decision, PopupRecord, ServiceOutcome } from '../../../../common';
import type { IncomingEvent, RecordedEvent } from './index';
import { nullableInteger, parseJson, type Row } from './rows';

/** How a decided event is stored and read back (`processed_events`, `popup_marks`). */

/** The event as stored (without its outcome, kept in its own column) and the outcome. */
export function split(event: IncomingEvent): { body: AlertEvent; outcome: ServiceOutcome | null } {
  if ('outcome' in event && event.outcome !== undefined) {
    const { outcome, ...body } = event;
    return { body, outcome };
  }
  return { body: event, outcome: null };
}

/**
 * A record read back with its pop-up's mark: its own columns, or its row in `popup_marks` (a
 * pop-up that stood for many events, migration 0009), the later of the two where both are set.
 */
export const selectRecorded = `SELECT p.id, p.event, p.decision, p.decided_at, p.seq, p.outcome,
  CASE WHEN m.notified_at IS NOT NULL AND (p.notified_at IS NULL OR m.notified_at >= p.notified_at)
    THEN m.popup ELSE p.popup END AS popup,
  COALESCE(MAX(p.notified_at, m.notified_at), p.notified_at, m.notified_at) AS notified_at,
  EXISTS (SELECT 1 FROM in_app_notifications n WHERE n.id = p.id) AS listed
  FROM processed_events p LEFT JOIN popup_marks m ON m.event_id = p.id`;

export function recordedOf(row: Row): RecordedEvent {
  return {
    event: parseJson(row.event) as AlertEvent,
    decision: parseJson(row.decision) as Decision,
    decidedAt: Number(row.decided_at),
    seq: nullableInteger(row.seq),
    outcome: parseJson(row.outcome) as ServiceOutcome | null,
    popup: parseJson(row.popup) as PopupRecord | null,
    notified: row.notified_at !== null && row.notified_at !== undefined,
    listed: Number(row.listed) === 1,
  };
}
