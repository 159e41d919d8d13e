import { describe, expect, it } from 'vitest';
import {
  createDatabase,
  getTableData,
  insertData,
  updateToVersion,
} from '../../../../test/support/migration-database';

describe('migration 0007: the in-app item keeps its kind', () => {
  it("takes each listed item's kind from its event's record, and leaves NULL where none is kept", () => {
    const db = createDatabase();
    updateToVersion(db, 6);
    insertData(db, 'processed_events', [
      {
        id: 'evt-call',
        seq: 1,
        kind: 'call',
        event: '{}',
        decision: '{}',
        decided_at: 1,
        wants_popup: 0,
      },
    ]);
    insertData(db, 'in_app_notifications', [
      { id: 'evt-call', event_id: 'evt-call', title: 't', body: 'b', created_at: 1, read: 0 },
      { id: 'evt-pruned', event_id: 'evt-pruned', title: 't', body: 'b', created_at: 2, read: 0 },
    ]);
    updateToVersion(db, 7);
    expect(getTableData(db, 'in_app_notifications').map((row) => [row.id, row.kind])).toEqual([
      ['evt-call', 'call'],
      ['evt-pruned', null],
    ]);
    // The unread counter is not touched by the backfill.
    expect(getTableData(db, 'in_app_unread')).toEqual([{ id: 1, count: 2 }]);
  });
});
