import { describe, expect, it } from 'vitest';
import { appointmentRemindersDetector } from '../../../../common';
import {
  createDatabase,
  getTableData,
  insertData,
  tableNames,
  updateToVersion,
} from '../../../../test/support/migration-database';

const hour = 60 * 60 * 1000;
const startsAt = Date.parse('2026-11-24T15:00:00.000Z');

function reminderRow(offset: string, dueAt: number, firedAt: number | null) {
  return {
    id: `appointment-1:${offset}`,
    appointment_id: 'appointment-1',
    offset,
    due_at: dueAt,
    appointment_starts_at: startsAt,
    appointment_ends_at: startsAt + hour,
    title: 'Cleaning',
    contact_name: 'Ann Lee',
    fired_at: firedAt,
  };
}

describe('migration 0003: the service decides', () => {
  it('adds the outcome, pop-up record and epoch columns and keeps what version 2 recorded', () => {
    const db = createDatabase();
    updateToVersion(db, 2);
    insertData(db, 'processed_events', [
      {
        id: 'event-1',
        seq: 4,
        kind: 'text',
        event: { id: 'event-1' },
        decision: { eventId: 'event-1' },
        decided_at: 1,
        wants_popup: 1,
        notified_at: 2,
      },
    ]);
    db.prepare('UPDATE event_cursor SET last_seq = 4').run();
    insertData(db, 'usage_alerts', [{ period_id: '2026-11', threshold: 75, fired_at: 5 }]);
    updateToVersion(db, 3);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(getTableData(db, 'processed_events')).toEqual([
      expect.objectContaining({
        id: 'event-1',
        seq: 4,
        notified_at: 2,
        outcome: null,
        popup: null,
      }),
    ]);
    expect(getTableData(db, 'event_cursor')).toEqual([{ id: 1, last_seq: 4, epoch: null }]);
    // Usage thresholds and the old reminder rows are gone: the service detects those now.
    expect(tableNames(db)).not.toContain('usage_alerts');
    expect(tableNames(db)).not.toContain('reminders');
    expect(tableNames(db)).toContain('reminder_states');
  });

  it('carries planned reminders over as states the pure reminder detector reads', () => {
    const db = createDatabase();
    updateToVersion(db, 2);
    insertData(db, 'reminders', [
      reminderRow('created', startsAt - 48 * hour, 1),
      reminderRow('1d', startsAt - 24 * hour, 7),
      reminderRow('1h', startsAt - hour, null),
      reminderRow('15m', startsAt - hour / 4, null),
    ]);
    updateToVersion(db, 3);
    const [row] = getTableData(db, 'reminder_states');
    expect(row).toMatchObject({ appointment_id: 'appointment-1', wake_at: startsAt - hour });
    const state = appointmentRemindersDetector.stateSchema.parse(JSON.parse(String(row?.state)));
    expect(state.reminders).toEqual([
      { offset: '1d', dueAt: startsAt - 24 * hour, status: 'fired' },
      { offset: '1h', dueAt: startsAt - hour, status: 'pending' },
      { offset: '15m', dueAt: startsAt - hour / 4, status: 'pending' },
    ]);
    expect(appointmentRemindersDetector.wakeAt(state)).toBe(startsAt - hour);
    // What is due at the 1-hour moment is the 1-hour reminder, with the service's id.
    const due = appointmentRemindersDetector.due(state, startsAt - hour, { userId: 'user-jordan' });
    expect(due.derived.map((event) => event.kind)).toEqual(['appointmentReminder']);
  });
});
