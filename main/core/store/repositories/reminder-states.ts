import type { Database, Statement } from 'better-sqlite3';
import type { ReminderStateRepository, StoredReminderState } from './index';
import { nullableInteger, parseJson, text, type Row } from './rows';

/**
 * The local reminder schedule (`reminder_states`): the pure reminder detector's state per
 * appointment, as JSON, and when it next wakes, so a restart neither skips nor repeats one.
 */
export class SqliteReminderStates implements ReminderStateRepository {
  readonly #get: Statement;
  readonly #put: Statement;
  readonly #delete: Statement;
  readonly #dueBy: Statement;
  readonly #next: Statement;

  constructor(db: Database) {
    this.#get = db.prepare('SELECT * FROM reminder_states WHERE appointment_id = ?');
    this.#put = db.prepare(
      `INSERT INTO reminder_states (appointment_id, state, wake_at) VALUES (?, ?, ?)
       ON CONFLICT (appointment_id) DO UPDATE SET state = excluded.state, wake_at = excluded.wake_at`,
    );
    this.#delete = db.prepare('DELETE FROM reminder_states WHERE appointment_id = ?');
    this.#dueBy = db.prepare(
      'SELECT * FROM reminder_states WHERE wake_at <= ? ORDER BY wake_at, appointment_id',
    );
    this.#next = db.prepare('SELECT MIN(wake_at) FROM reminder_states WHERE wake_at > ?').pluck();
  }

  get(appointmentId: string): StoredReminderState | null {
    const row = this.#get.get(appointmentId) as Row | undefined;
    return row ? stateOf(row) : null;
  }

  put(appointmentId: string, state: unknown, wakeAt: number | null): void {
    if (state === null) this.#delete.run(appointmentId);
    else this.#put.run(appointmentId, JSON.stringify(state), wakeAt);
  }

  dueBy(now: number): StoredReminderState[] {
    return (this.#dueBy.all(now) as Row[]).map(stateOf);
  }

  nextWakeAfter(instant: number): number | null {
    return nullableInteger(this.#next.get(instant));
  }
}

function stateOf(row: Row): StoredReminderState {
  let state: unknown;
  try {
    state = parseJson(row.state);
  } catch {
    // Unreadable: the reader's schema check drops it, as it would any state it cannot read.
    state = null;
  }
  return {
    appointmentId: text(row.appointment_id),
    state,
    wakeAt: nullableInteger(row.wake_at),
  };
}
