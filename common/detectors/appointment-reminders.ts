import { z } from 'zod';
import {
  appointmentSchema,
  reminderEventId,
  reminderOffsetMilliseconds,
  reminderOffsets,
  type AlertEvent,
  type Appointment,
} from '../events';
import { eventTime, unchanged, type Detection, type EventTimeDetector } from './detector';

const reminderSchema = z.strictObject({
  offset: z.enum(reminderOffsets),
  /** When it is due: the appointment's start minus the offset, epoch ms. */
  dueAt: z.number(),
  /**
   * pending: waits for `dueAt`; fired: raised; skipped: found late beside a later offset of the
   * same appointment, which was raised instead; dropped: found after the appointment started.
   */
  status: z.enum(['pending', 'fired', 'skipped', 'dropped']),
});
export type PlannedReminder = z.infer<typeof reminderSchema>;

/** One appointment of one user: what it is now and its reminders (one per offset at most). */
const appointmentRemindersStateSchema = z.strictObject({
  appointment: appointmentSchema,
  /** The time of the newest appointment event applied: an older one arriving late is ignored. */
  updatedAt: z.number(),
  cancelled: z.boolean(),
  reminders: z.array(reminderSchema).max(reminderOffsets.length),
});
export type AppointmentRemindersState = z.infer<typeof appointmentRemindersStateSchema>;

function pendingOf(state: AppointmentRemindersState): PlannedReminder[] {
  return state.reminders.filter((reminder) => reminder.status === 'pending');
}

/**
 * The reminders of an appointment as of an event at `basis`: one per offset (1 day, 1 hour,
 * 15 minutes, 1 minute before the start). An offset already past at `basis` never existed; one
 * already raised, skipped or dropped for the same moment keeps that status, so an update that
 * does not move the appointment repeats nothing. A moved appointment gets new moments.
 */
function plan(
  appointment: Appointment,
  basis: number,
  known: readonly PlannedReminder[],
): PlannedReminder[] {
  const startsAt = Date.parse(appointment.startsAt);
  return reminderOffsets.flatMap((offset): PlannedReminder[] => {
    const dueAt = startsAt - reminderOffsetMilliseconds[offset];
    const same = known.find((reminder) => reminder.offset === offset && reminder.dueAt === dueAt);
    if (same) return [same];
    return dueAt > basis ? [{ offset, dueAt, status: 'pending' }] : [];
  });
}

function reminderEvent(
  userId: string,
  appointment: Appointment,
  reminder: PlannedReminder,
  now: number,
): AlertEvent {
  return {
    kind: 'appointmentReminder',
    id: reminderEventId(userId, appointment.id, reminder.offset, reminder.dueAt),
    occurredAt: new Date(now).toISOString(),
    appointment,
    offset: reminder.offset,
  };
}

/**
 * Appointment reminders. The schedule of an appointment is: created (the `appointmentCreated`
 * event itself is that alert: nothing is derived for it), then 1 day, 1 hour, 15 minutes and
 * 1 minute before the start, in UTC instants (1 day is 24 hours, across daylight-saving changes).
 * Created, updated and assigned appointments (re)plan; a cancelled one drops its pending
 * reminders. State is per appointment, kept until the appointment is over.
 *
 * `due(state, now)` is the late rule: of an appointment's reminders whose moment has come, only
 * the latest offset is raised, and only if the appointment has not started (the earlier ones
 * are recorded as skipped); if it has started they are all dropped. On time, one reminder falls
 * due at a time, so the rule raises it; after a gap (a service down, a companion offline) it
 * raises the one reminder that still says something. Ids are `reminderEventId`, the same on
 * the service and on a companion raising it while offline.
 */
export const appointmentRemindersDetector: EventTimeDetector<AppointmentRemindersState> = {
  name: 'appointmentReminders',
  stateSchema: appointmentRemindersStateSchema,

  keyOf(event) {
    switch (event.kind) {
      case 'appointmentCreated':
      case 'appointmentUpdated':
      case 'appointmentAssigned':
        return event.appointment.id;
      case 'appointmentCancelled':
        return event.appointmentId;
      default:
        return null;
    }
  },

  step(state, event): Detection<AppointmentRemindersState> {
    const at = eventTime(event);
    switch (event.kind) {
      case 'appointmentCreated':
      case 'appointmentUpdated':
      case 'appointmentAssigned': {
        if (state && at < state.updatedAt) return unchanged(state);
        const { appointment } = event;
        const reminders = plan(appointment, at, state?.reminders ?? []);
        return { state: { appointment, updatedAt: at, cancelled: false, reminders }, derived: [] };
      }
      case 'appointmentCancelled': {
        if (!state || at < state.updatedAt) return unchanged(state);
        const reminders = state.reminders.filter((reminder) => reminder.status !== 'pending');
        return { state: { ...state, updatedAt: at, cancelled: true, reminders }, derived: [] };
      }
      default:
        return unchanged(state);
    }
  },

  expiresAt: () => null,
  wakeAt(state) {
    const pending = pendingOf(state);
    if (pending.length === 0) return Date.parse(state.appointment.endsAt);
    return Math.min(...pending.map((reminder) => reminder.dueAt));
  },

  due(state, now, scope): Detection<AppointmentRemindersState> {
    const over = now >= Date.parse(state.appointment.endsAt);
    const dueNow = pendingOf(state).filter((reminder) => reminder.dueAt <= now);
    if (dueNow.length === 0) {
      return unchanged(over && pendingOf(state).length === 0 ? null : state);
    }
    const started = now >= Date.parse(state.appointment.startsAt);
    const latest = dueNow.reduce((best, reminder) =>
      reminder.dueAt > best.dueAt ? reminder : best,
    );
    const reminders = state.reminders.map((reminder): PlannedReminder => {
      if (!dueNow.includes(reminder)) return reminder;
      if (started) return { ...reminder, status: 'dropped' };
      return { ...reminder, status: reminder === latest ? 'fired' : 'skipped' };
    });
    const derived = started ? [] : [reminderEvent(scope.userId, state.appointment, latest, now)];
    const next = { ...state, reminders };
    return { state: over && pendingOf(next).length === 0 ? null : next, derived };
  },
};
