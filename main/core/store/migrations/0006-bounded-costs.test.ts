import { describe, expect, it } from 'vitest';
import {
  createDatabase,
  getTableData,
  insertData,
  updateToVersion,
} from '../../../../test/support/migration-database';

describe('migration 0006: bounded costs', () => {
  it('counts the unread items already listed, then keeps the count with every write', () => {
    const db = createDatabase();
    updateToVersion(db, 4);
    insertData(db, 'in_app_notifications', [
      { id: 'a', event_id: 'a', title: 't', body: 'b', created_at: 1, read: 0 },
      { id: 'b', event_id: 'b', title: 't', body: 'b', created_at: 2, read: 1 },
      { id: 'c', event_id: 'c', title: 't', body: 'b', created_at: 3, read: 0 },
    ]);
    updateToVersion(db, 6);
    expect(getTableData(db, 'in_app_unread')).toEqual([{ id: 1, count: 2 }]);
    expect(getTableData(db, 'event_cursor')).toEqual([
      { id: 1, last_seq: 0, epoch: null, pruned_through_seq: 0 },
    ]);
    db.exec(`UPDATE in_app_notifications SET read = 1 WHERE id = 'a'`);
    db.exec(`UPDATE in_app_notifications SET title = 'rewritten' WHERE id = 'c'`);
    db.exec(`DELETE FROM in_app_notifications WHERE id = 'b'`);
    expect(getTableData(db, 'in_app_unread')).toEqual([{ id: 1, count: 1 }]);
    db.exec(`DELETE FROM in_app_notifications WHERE id = 'c'`);
    expect(getTableData(db, 'in_app_unread')).toEqual([{ id: 1, count: 0 }]);
  });
});
