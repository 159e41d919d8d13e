import { describe, expect, it } from 'vitest';
import {
  createDatabase,
  getTableData,
  insertData,
  updateToVersion,
} from '../../../../test/support/migration-database';

const indexes = (db: ReturnType<typeof createDatabase>) =>
  (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'processed_events'",
      )
      .all() as Array<{ name: string }>
  ).map((row) => row.name);

describe('migration 0008: the unused index by seq dropped', () => {
  it('drops processed_events_by_seq and keeps every record and the cursor', () => {
    const db = createDatabase();
    updateToVersion(db, 7);
    expect(indexes(db)).toContain('processed_events_by_seq');
    insertData(db, 'processed_events', [
      {
        id: 'evt-1',
        seq: 4,
        kind: 'text',
        event: '{}',
        decision: '{}',
        decided_at: 1,
        wants_popup: 1,
      },
      {
        id: 'local-1',
        seq: null,
        kind: 'appointmentReminder',
        event: '{}',
        decision: '{}',
        decided_at: 2,
        wants_popup: 0,
      },
    ]);
    updateToVersion(db, 8);
    expect(indexes(db)).not.toContain('processed_events_by_seq');
    // The queries that need an index still have theirs.
    expect(indexes(db)).toEqual(
      expect.arrayContaining([
        'processed_events_by_decided_at',
        'processed_events_pending_popup',
        'processed_events_by_call',
      ]),
    );
    expect(getTableData(db, 'processed_events').map((row) => [row.id, row.seq])).toEqual([
      ['evt-1', 4],
      ['local-1', null],
    ]);
  });

  it("retention's prune, the one statement filtering on seq, still walks by decision time", () => {
    const db = createDatabase();
    updateToVersion(db, 8);
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN DELETE FROM processed_events WHERE rowid IN (
             SELECT rowid FROM processed_events
             WHERE decided_at < 5
               AND NOT (wants_popup = 1 AND notified_at IS NULL)
               AND (seq IS NULL OR seq < (SELECT last_seq FROM event_cursor WHERE id = 1))
             ORDER BY decided_at LIMIT 5)
           RETURNING seq`,
        )
        .all() as Array<{ detail: string }>
    ).map((row) => row.detail);
    expect(plan.some((detail) => detail.includes('processed_events_by_decided_at'))).toBe(true);
  });
});
