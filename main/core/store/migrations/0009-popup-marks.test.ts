import { describe, expect, it } from 'vitest';
import {
  createDatabase,
  getTableData,
  insertData,
  updateToVersion,
} from '../../../../test/support/migration-database';

/** `popup_marks` has no rowid (WITHOUT ROWID): read by its key. */
const marks = (db: ReturnType<typeof createDatabase>) =>
  db.prepare('SELECT * FROM popup_marks ORDER BY event_id').all() as Array<Record<string, unknown>>;

const event = (id: string, decidedAt: number) => ({
  id,
  seq: decidedAt,
  kind: 'text',
  event: '{}',
  decision: '{}',
  decided_at: decidedAt,
  wants_popup: 1,
});

describe('migration 0009: the marks of a pop-up that stands for many events', () => {
  it('adds popup_marks and keeps every record as it was', () => {
    const db = createDatabase();
    updateToVersion(db, 8);
    insertData(db, 'processed_events', [event('evt-1', 1), event('evt-2', 2)]);
    db.prepare("UPDATE processed_events SET notified_at = 5, popup = ? WHERE id = 'evt-1'").run(
      JSON.stringify({ status: 'shown' }),
    );
    updateToVersion(db, 10);
    expect(marks(db)).toEqual([]);
    expect(
      getTableData(db, 'processed_events').map((row) => [row.id, row.notified_at, row.popup]),
    ).toEqual([
      ['evt-1', 5, '{"status":"shown"}'],
      ['evt-2', null, null],
    ]);
  });

  it("deletes an event's mark with its record (retention needs no second statement)", () => {
    const db = createDatabase();
    updateToVersion(db, 10);
    insertData(db, 'processed_events', [event('evt-1', 1), event('evt-2', 2)]);
    insertData(db, 'popup_marks', [
      { event_id: 'evt-1', notified_at: 5, popup: '{"status":"shown"}' },
      { event_id: 'evt-2', notified_at: 5, popup: '{"status":"shown"}' },
    ]);
    db.prepare("DELETE FROM processed_events WHERE id = 'evt-1'").run();
    expect(marks(db).map((row) => row.event_id)).toEqual(['evt-2']);
  });
});
