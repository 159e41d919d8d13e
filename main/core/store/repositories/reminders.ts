import type { Database, Statement } from 'better-sqlite3';
import type { ReminderRepository, ScheduledReminder } from './index';
import { nullableInteger, nullableText, text, type Row } from './rows';

/** Appointment reminders planned and fired (`reminders`), so a restart neither skips nor repeats one. */
export class SqliteReminders implements ReminderRepository {
  readonly #db: Database;
  readonly #deleteFor: Statement;
  readonly #insert: Statement;
  readonly #pending: Statement;
  readonly #markFired: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#deleteFor = db.prepare('DELETE FROM reminders WHERE appointment_id = ?');
    this.#insert = db.prepare(
      `INSERT OR REPLACE INTO reminders
         (id, appointment_id, offset, due_at, appointment_starts_at, appointment_ends_at,
          title, contact_name, fired_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#pending = db.prepare(
      'SELECT * FROM reminders WHERE fired_at IS NULL ORDER BY due_at, id',
    );
    this.#markFired = db.prepare('UPDATE reminders SET fired_at = ? WHERE id = ?');
  }

  replaceForAppointment(appointmentId: string, reminders: readonly ScheduledReminder[]): void {
    this.#db.transaction(() => {
      this.#deleteFor.run(appointmentId);
      for (const reminder of reminders) {
        this.#insert.run(
          reminder.id,
          appointmentId,
          reminder.offset,
          reminder.dueAt,
          reminder.appointmentStartsAt,
          reminder.appointmentEndsAt,
          reminder.title,
          reminder.contactName,
          reminder.firedAt,
        );
      }
    })();
  }

  cancelAppointment(appointmentId: string): void {
    this.#deleteFor.run(appointmentId);
  }

  pending(): ScheduledReminder[] {
    return (this.#pending.all() as Row[]).map((row) => ({
      id: text(row.id),
      appointmentId: text(row.appointment_id),
      offset: text(row.offset) as ScheduledReminder['offset'],
      dueAt: Number(row.due_at),
      appointmentStartsAt: Number(row.appointment_starts_at),
      appointmentEndsAt: Number(row.appointment_ends_at),
      title: text(row.title),
      contactName: nullableText(row.contact_name),
      firedAt: nullableInteger(row.fired_at),
    }));
  }

  markFired(ids: readonly string[], firedAt: number): void {
    this.#db.transaction(() => {
      for (const id of ids) this.#markFired.run(firedAt, id);
    })();
  }
}
