import { describe, expect, it } from 'vitest';
import {
  createDatabase,
  getTableData,
  insertData,
  tableNames,
  updateToVersion,
} from '../../../../test/support/migration-database';

describe('migration 0001: events and notifications', () => {
  it('creates the event, cursor, notification, reminder, usage and meta tables', () => {
    const db = createDatabase();
    updateToVersion(db, 1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tableNames(db)).toEqual([
      'event_cursor',
      'in_app_notifications',
      'meta',
      'processed_events',
      'reminders',
      'usage_alerts',
    ]);
    expect(getTableData(db, 'event_cursor')).toEqual([{ id: 1, last_seq: 0 }]);
  });

  it('stores rows and refuses a duplicate event id and a second cursor row', () => {
    const db = createDatabase();
    updateToVersion(db, 1);
    const event = {
      id: 'event-1',
      seq: 7,
      kind: 'call',
      event: { id: 'event-1' },
      decision: { eventId: 'event-1' },
      decided_at: 1,
      wants_popup: 1,
    };
    insertData(db, 'processed_events', [event]);
    expect(() => insertData(db, 'processed_events', [event])).toThrow(/UNIQUE/);
    expect(() => insertData(db, 'event_cursor', [{ id: 2, last_seq: 1 }])).toThrow(/CHECK/);
    insertData(db, 'usage_alerts', [{ period_id: '2026-11', threshold: 75, fired_at: 5 }]);
    expect(getTableData(db, 'usage_alerts')).toEqual([
      { period_id: '2026-11', threshold: 75, fired_at: 5 },
    ]);
    expect(getTableData(db, 'processed_events')[0]).toMatchObject({
      id: 'event-1',
      seq: 7,
      notified_at: null,
    });
  });
});
