import type { Database, Statement } from 'better-sqlite3';
import type { EventOfKind } from '../../../../common';
import { parseJson, type Row } from './rows';

/**
 * `ProcessedEventRepository.unstoppedCalls`: the ringing call events decided after an instant
 * whose call has no stop recorded. Read at start only, from the last start's check on (the
 * caller keeps it), so it reads what is new, never the whole history: each call's stop is looked
 * up through migration 0005's index, as `callEvents` does, the range through `decided_at`'s.
 */
export class UnstoppedCalls {
  readonly #statement: Statement;

  constructor(db: Database) {
    this.#statement = db.prepare(
      `SELECT r.event, r.decided_at, r.wants_popup = 1 AND r.notified_at IS NULL AS owed
       FROM processed_events r
       WHERE r.decided_at > ? AND r.kind = 'call' AND json_extract(r.event, '$.state') = 'ringing'
         AND NOT EXISTS (SELECT 1 FROM processed_events s
           WHERE s.kind = 'call'
             AND json_extract(s.event, '$.callId') = json_extract(r.event, '$.callId')
             AND json_extract(s.event, '$.state') <> 'ringing')
       ORDER BY r.decided_at, r.rowid`,
    );
  }

  /** Oldest first; `owed`: its pop-up is still owed (held marks written first by the caller). */
  since(instant: number): Array<{ event: EventOfKind<'call'>; decidedAt: number; owed: boolean }> {
    return (this.#statement.all(instant) as Row[]).map((row) => ({
      event: parseJson(row.event) as EventOfKind<'call'>,
      decidedAt: Number(row.decided_at),
      owed: Number(row.owed) === 1,
    }));
  }
}
