import { describe, expect, it } from 'vitest';
import { advanceDetector, runDetector } from '../../test/support/run-detector';
import { alertEventSchema, reminderEventId, type AlertEvent, type Appointment } from '../events';
import {
  appointmentRemindersDetector as detector,
  type AppointmentRemindersState,
} from './appointment-reminders';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
/** The appointment starts here; everything else is said relative to it. */
const startsAt = Date.parse('2026-11-25T17:00:00.000Z');

function appointment(start = startsAt, title = 'Cleaning with Ann Lee'): Appointment {
  return {
    id: 'appt-1',
    title,
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 30 * minute).toISOString(),
    contactName: 'Ann Lee',
  };
}

type Kind = 'appointmentCreated' | 'appointmentUpdated' | 'appointmentAssigned';

/** An appointment event at `at` (epoch ms). */
function changed(kind: Kind, at: number, start = startsAt, title?: string): AlertEvent {
  return {
    kind,
    id: `${kind}-${at}`,
    occurredAt: new Date(at).toISOString(),
    appointment: appointment(start, title),
  };
}

function cancelled(at: number): AlertEvent {
  return {
    kind: 'appointmentCancelled',
    id: `cancelled-${at}`,
    occurredAt: new Date(at).toISOString(),
    appointmentId: 'appt-1',
  };
}

/** What fell due as "offset @ minutes before the start", plus the events themselves. */
function fired(events: readonly AlertEvent[]): string[] {
  return events.map((event) => {
    expect(alertEventSchema.parse(event)).toEqual(event);
    return event.kind === 'appointmentReminder' ? event.offset : event.kind;
  });
}

/** Runs `events`, then moves time to `to`, the way the service's timer does. */
function schedule(events: readonly AlertEvent[], to: number) {
  const { derived, states } = runDetector(detector, events, {
    now: (event) => Date.parse(event.occurredAt),
  });
  const later = advanceDetector(detector, states, to);
  return { derived: [...derived, ...later], states };
}

describe('appointmentRemindersDetector: the schedule', () => {
  const cases: Array<{ name: string; events: AlertEvent[]; to: number; raised: string[] }> = [
    {
      name: 'created 2 days ahead: 1 day, 1 hour, 15 minutes, 1 minute before',
      events: [changed('appointmentCreated', startsAt - 2 * day)],
      to: startsAt + day,
      raised: ['1d', '1h', '15m', '1m'],
    },
    {
      name: 'created 50 minutes ahead: offsets already past never existed',
      events: [changed('appointmentCreated', startsAt - 50 * minute)],
      to: startsAt + day,
      raised: ['15m', '1m'],
    },
    {
      name: 'assigned 2 hours ahead plans like created',
      events: [changed('appointmentAssigned', startsAt - 2 * hour)],
      to: startsAt,
      raised: ['1h', '15m', '1m'],
    },
    {
      name: 'created after it started: nothing',
      events: [changed('appointmentCreated', startsAt + minute)],
      to: startsAt + day,
      raised: [],
    },
    {
      name: 'cancelled: its reminders are dropped',
      events: [changed('appointmentCreated', startsAt - 2 * day), cancelled(startsAt - 2 * hour)],
      to: startsAt + day,
      raised: [],
    },
    {
      name: 'a cancellation older than the newest change is ignored',
      events: [changed('appointmentUpdated', startsAt - 2 * hour), cancelled(startsAt - 3 * hour)],
      to: startsAt,
      raised: ['1h', '15m', '1m'],
    },
    {
      name: 'an update older than the newest change is ignored',
      events: [
        changed('appointmentCreated', startsAt - 2 * hour),
        changed('appointmentUpdated', startsAt - 3 * hour, startsAt + day),
      ],
      to: startsAt,
      raised: ['1h', '15m', '1m'],
    },
    {
      name: 'a cancellation of an appointment never seen keeps nothing',
      events: [cancelled(startsAt - hour)],
      to: startsAt + day,
      raised: [],
    },
  ];

  it.each(cases)('$name', ({ events, to, raised }) => {
    expect(fired(schedule(events, to).derived)).toEqual(raised);
  });

  it('raises each reminder at its moment with the id both sides compute', () => {
    const { states } = runDetector(detector, [changed('appointmentCreated', startsAt - 2 * day)]);
    const moments = [day, hour, 15 * minute, minute].map((before) => startsAt - before);
    const raised = moments.map((moment) => {
      expect(advanceDetector(detector, states, moment - 1)).toEqual([]);
      return advanceDetector(detector, states, moment);
    });
    expect(raised).toEqual(
      (['1d', '1h', '15m', '1m'] as const).map((offset, index) => [
        {
          kind: 'appointmentReminder',
          id: reminderEventId('user-jordan', 'appt-1', offset, moments[index] ?? 0),
          occurredAt: new Date(moments[index] ?? 0).toISOString(),
          appointment: appointment(),
          offset,
        },
      ]),
    );
    // Over: nothing is kept.
    advanceDetector(detector, states, startsAt + day);
    expect(states.size).toBe(0);
  });

  it('re-plans a moved appointment with new moments and ids, and repeats nothing for a retitle', () => {
    const created = changed('appointmentCreated', startsAt - 2 * day);
    const { states } = runDetector(detector, [created]);
    const first = advanceDetector(detector, states, startsAt - day);
    expect(fired(first)).toEqual(['1d']);
    // A new title at the same time: the 1-day reminder is not raised again.
    let state = states.get('appt-1') as AppointmentRemindersState;
    const retitled = changed('appointmentUpdated', startsAt - day + minute, startsAt, 'Deep clean');
    state = detector.step(state, retitled, { userId: 'user-jordan' })
      .state as AppointmentRemindersState;
    expect(state.reminders.map((reminder) => reminder.status)).toEqual([
      'fired',
      'pending',
      'pending',
      'pending',
    ]);
    // Moved two days later: four new moments, the next one a day before the new start.
    const moved = changed('appointmentUpdated', startsAt - day + 2 * minute, startsAt + 2 * day);
    state = detector.step(state, moved, { userId: 'user-jordan' })
      .state as AppointmentRemindersState;
    expect(state.reminders.map((reminder) => reminder.dueAt)).toEqual(
      [day, hour, 15 * minute, minute].map((before) => startsAt + 2 * day - before),
    );
    states.set('appt-1', state);
    const next = advanceDetector(detector, states, startsAt + day);
    expect(fired(next)).toEqual(['1d']);
    expect(next[0]?.id).not.toBe(first[0]?.id);
    expect(next[0]).toMatchObject({ appointment: { title: 'Cleaning with Ann Lee' } });
  });

  it('says 1 day before as 24 hours before the instant, across a daylight-saving change', () => {
    // 2026-11-01 is the end of daylight saving time in America/New_York.
    const start = Date.parse('2026-11-01T15:00:00.000Z');
    const { states } = runDetector(detector, [
      changed('appointmentCreated', start - 3 * day, start),
    ]);
    expect(states.get('appt-1')?.reminders[0]).toEqual({
      offset: '1d',
      dueAt: start - 24 * hour,
      status: 'pending',
    });
  });
});

describe('appointmentRemindersDetector: the late rule', () => {
  const userId = 'user-jordan';
  const planned = () =>
    runDetector(detector, [changed('appointmentCreated', startsAt - 2 * day)]).states.get(
      'appt-1',
    ) as AppointmentRemindersState;

  it('raises only the latest offset due when the appointment has not started, and skips the rest', () => {
    const late = detector.due(planned(), startsAt - 10 * minute, { userId });
    expect(fired(late.derived)).toEqual(['15m']);
    expect(late.state?.reminders.map((reminder) => reminder.status)).toEqual([
      'skipped',
      'skipped',
      'fired',
      'pending',
    ]);
    expect(detector.wakeAt(late.state as AppointmentRemindersState)).toBe(startsAt - minute);
  });

  it('drops every reminder due once the appointment has started, and forgets it once over', () => {
    const started = detector.due(planned(), startsAt + minute, { userId });
    expect(started.derived).toEqual([]);
    expect(started.state?.reminders.every((reminder) => reminder.status === 'dropped')).toBe(true);
    expect(detector.due(planned(), startsAt + hour, { userId })).toEqual({
      state: null,
      derived: [],
    });
  });

  it('changes nothing before the next moment', () => {
    const state = planned();
    expect(detector.due(state, startsAt - day - 1, { userId })).toEqual({ state, derived: [] });
  });

  it('raises at once a reminder already due when its appointment arrives late (service behind)', () => {
    const event = changed('appointmentCreated', startsAt - 2 * day);
    const { derived } = runDetector(detector, [event], { now: () => startsAt - 30 * minute });
    expect(fired(derived)).toEqual(['1h']);
  });

  it('refuses a stored state that is not one', () => {
    expect(detector.stateSchema.safeParse({ ...planned(), reminders: 'none' }).success).toBe(false);
    expect(detector.stateSchema.safeParse(planned()).success).toBe(true);
  });
});
