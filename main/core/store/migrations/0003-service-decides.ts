import type { Database } from 'better-sqlite3';

/**
 * Version 3 (issue 11): the service is the one source of truth for derived alerts and for email
 * and SMS; the companion reports what happened, and keeps a reminder schedule only for pop-ups
 * while its link is down.
 *
 * - `processed_events.outcome`: what the service reported doing on email and SMS (JSON, as
 *   `serviceOutcomeSchema`), null when it reported nothing; `processed_events.popup`: the pop-up's
 *   record once it left the companion's hands (JSON, as `popupRecordSchema`).
 * - `event_cursor.epoch`: the service's data epoch that `last_seq` belongs to (null: none yet).
 * - `reminder_states`: the local reminder schedule, as the state of the pure detector
 *   (`appointmentRemindersDetector`) per appointment, JSON, with when it next wakes. Reminders
 *   planned by an older version are carried over; `reminders` is dropped.
 * - `usage_alerts` is dropped: usage thresholds are the service's to detect.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE processed_events ADD COLUMN outcome TEXT;
    ALTER TABLE processed_events ADD COLUMN popup TEXT;
    ALTER TABLE event_cursor ADD COLUMN epoch TEXT;

    CREATE TABLE reminder_states (
      appointment_id TEXT PRIMARY KEY,
      state TEXT NOT NULL,
      wake_at INTEGER
    ) STRICT;
    CREATE INDEX reminder_states_by_wake_at ON reminder_states (wake_at)
      WHERE wake_at IS NOT NULL;
  `);
  carryOverReminders(db);
  db.exec(`
    DROP TABLE reminders;
    DROP TABLE usage_alerts;
  `);
}

interface ReminderRow {
  appointment_id: string;
  offset: string;
  due_at: number;
  appointment_starts_at: number;
  appointment_ends_at: number;
  title: string;
  contact_name: string | null;
  fired_at: number | null;
}

/**
 * One state per appointment from its version-1 rows, in the shape the detector reads (a state
 * it cannot read is dropped there and the appointment's next event plans it again). The
 * `created` rows of version 1 were never reminders of their own: left out. Written here rather
 * than through the detector, so this step means the same whatever the detector becomes.
 */
function carryOverReminders(db: Database): void {
  const rows = db
    .prepare('SELECT * FROM reminders ORDER BY appointment_id, due_at')
    .all() as ReminderRow[];
  const byAppointment = new Map<string, ReminderRow[]>();
  for (const row of rows) {
    const list = byAppointment.get(row.appointment_id) ?? [];
    list.push(row);
    byAppointment.set(row.appointment_id, list);
  }
  const insert = db.prepare(
    'INSERT INTO reminder_states (appointment_id, state, wake_at) VALUES (?, ?, ?)',
  );
  for (const [appointmentId, reminders] of byAppointment) {
    const [first] = reminders;
    if (!first) continue;
    const planned = reminders
      .filter((row) => row.offset !== 'created')
      .map((row) => ({
        offset: row.offset,
        dueAt: row.due_at,
        status: row.fired_at === null ? 'pending' : 'fired',
      }));
    const pending = planned.filter((reminder) => reminder.status === 'pending');
    const state = {
      appointment: {
        id: appointmentId,
        title: first.title,
        startsAt: new Date(first.appointment_starts_at).toISOString(),
        endsAt: new Date(first.appointment_ends_at).toISOString(),
        contactName: first.contact_name,
      },
      updatedAt: 0,
      cancelled: false,
      reminders: planned,
    };
    const wakeAt =
      pending.length > 0
        ? Math.min(...pending.map((reminder) => reminder.dueAt))
        : first.appointment_ends_at;
    insert.run(appointmentId, JSON.stringify(state), wakeAt);
  }
}
