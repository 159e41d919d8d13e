import { describe, expect, it } from 'vitest';
import {
  createDatabase,
  getTableData,
  insertData,
  updateToVersion,
} from '../../../../test/support/migration-database';

describe('migration 0005: call states from the store', () => {
  it('indexes call events by call id and keeps every record', () => {
    const db = createDatabase();
    updateToVersion(db, 4);
    const row = (id: string, kind: string, event: Record<string, unknown>) => ({
      id,
      seq: null,
      kind,
      event: { id, kind, ...event },
      decision: { eventId: id },
      decided_at: 1,
      wants_popup: 0,
      notified_at: null,
    });
    insertData(db, 'processed_events', [
      row('ring-1', 'call', { callId: 'call-1', state: 'ringing' }),
      row('text-1', 'text', { body: 'Hello' }),
    ]);
    updateToVersion(db, 5);
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(getTableData(db, 'processed_events')).toHaveLength(2);
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM processed_events
         WHERE kind = 'call' AND json_extract(event, '$.callId') = ?`,
      )
      .all('call-1') as Array<{ detail: string }>;
    expect(plan.map((step) => step.detail).join(' ')).toContain('processed_events_by_call');
  });
});
