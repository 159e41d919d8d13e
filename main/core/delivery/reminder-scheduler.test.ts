import { afterEach, describe, expect, it } from 'vitest';
import { alertEventSchema, localTime, type AlertEvent } from '../../../common';
import { createEventDescriber, missedRemindersIdPrefix } from './describe';
import { ReminderScheduler } from './reminder-scheduler';
import { ManualClock } from '../../../test/support/manual-clock';
import { createRecordingLogger } from '../../../test/support/recording-logger';
import {
  appointmentEvent,
  lineName,
  temporaryStore,
} from '../../../test/support/delivery-scenario';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const stores: Array<ReturnType<typeof temporaryStore>> = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.remove();
});

function setup(start?: number | string) {
  const clock = new ManualClock(start);
  const handle = temporaryStore();
  stores.push(handle);
  const raised: AlertEvent[] = [];
  const schedulers: ReminderScheduler[] = [];
  const scheduler = () => {
    for (const running of schedulers) running.stop();
    const created = new ReminderScheduler({
      clock,
      reminders: handle.store.reminders,
      logger: createRecordingLogger(),
      raise: (event) => {
        expect(alertEventSchema.safeParse(event).success).toBe(true);
        raised.push(event);
      },
    });
    schedulers.push(created);
    created.start();
    return created;
  };
  return { clock, handle, raised, scheduler };
}

const offsetsOf = (events: readonly AlertEvent[]) =>
  events.map((event) => (event.kind === 'appointmentReminder' ? event.offset : event.kind));

describe('ReminderScheduler', () => {
  it('reminds 1 day, 1 hour, 15 minutes and 1 minute before, each exactly on time', () => {
    const { clock, raised, scheduler } = setup();
    const startsAt = clock.now() + 2 * day;
    // It only plans: nothing is raised when the appointment arrives.
    expect(
      scheduler().observe(appointmentEvent(clock, 'appointmentCreated', { id: 'a1', startsAt })),
    ).toEqual([]);
    expect(raised).toEqual([]);
    const firedAt: number[] = [];
    for (let step = 0; step < 4; step++) {
      const before = raised.length;
      const next = clock.nextTimerAt();
      expect(next).not.toBeNull();
      while (raised.length === before) clock.advanceTo(clock.nextTimerAt() ?? clock.now());
      firedAt.push(clock.now());
    }
    expect(offsetsOf(raised)).toEqual(['1d', '1h', '15m', '1m']);
    expect(firedAt).toEqual([
      startsAt - day,
      startsAt - hour,
      startsAt - 15 * minute,
      startsAt - minute,
    ]);
  });

  it('"1 day before" is 24 hours before the instant across a DST change (America/New_York)', () => {
    // DST starts 2026-03-08 at 02:00 local; the appointment is at 12:00 EDT that day (16:00 UTC).
    const { clock, raised, scheduler } = setup('2026-03-06T12:00:00Z');
    const startsAt = Date.parse('2026-03-08T16:00:00Z');
    scheduler().observe(appointmentEvent(clock, 'appointmentCreated', { id: 'dst', startsAt }));
    clock.advanceTo(startsAt - day - 1);
    expect(raised).toHaveLength(0);
    clock.advance(1);
    expect(offsetsOf(raised)).toEqual(['1d']);
    expect(clock.now()).toBe(startsAt - 24 * hour);
    // On the wall clock that is 11:00 the day before (EST), not 12:00.
    expect(localTime(clock.now(), 'America/New_York').clock).toBe('11:00');
    expect(localTime(startsAt, 'America/New_York').clock).toBe('12:00');
  });

  it('neither loses nor repeats a reminder across a restart on the same database', () => {
    const { clock, handle, raised, scheduler } = setup();
    const startsAt = clock.now() + 2 * day;
    scheduler().observe(appointmentEvent(clock, 'appointmentCreated', { id: 'a1', startsAt }));
    clock.advanceTo(startsAt - day);
    expect(offsetsOf(raised)).toEqual(['1d']);

    handle.reopen();
    scheduler();
    scheduler(); // a second start (double restart) changes nothing either
    expect(offsetsOf(raised)).toEqual(['1d']);
    clock.advanceTo(startsAt);
    expect(offsetsOf(raised)).toEqual(['1d', '1h', '15m', '1m']);
    expect(new Set(raised.map((event) => event.id)).size).toBe(4);
  });

  it('raises a reminder missed while stopped once, at the next start', () => {
    const { clock, handle, raised, scheduler } = setup();
    const startsAt = clock.now() + 3 * hour;
    scheduler().observe(appointmentEvent(clock, 'appointmentCreated', { id: 'a1', startsAt }));
    scheduler().stop();
    clock.jump(2 * hour + 10 * minute); // down while the 1-hour reminder fell due
    handle.reopen();
    scheduler();
    expect(offsetsOf(raised)).toEqual(['1h']);
    handle.reopen();
    scheduler();
    expect(offsetsOf(raised)).toEqual(['1h']);
  });

  it('after a 3-hour sleep gives ONE summary, drops reminders of appointments over, and goes on', () => {
    const { clock, raised, scheduler } = setup();
    const now = clock.now();
    const running = scheduler();
    // Over by the time the laptop wakes: its reminders are dropped.
    running.observe(
      appointmentEvent(clock, 'appointmentCreated', {
        id: 'over',
        startsAt: now + hour,
        endsAt: now + 90 * minute,
      }),
    );
    // In progress at wake-up: 1h, 15m and 1m reminders all missed.
    running.observe(
      appointmentEvent(clock, 'appointmentCreated', {
        id: 'standup',
        title: 'Standup',
        startsAt: now + 150 * minute,
        endsAt: now + 210 * minute,
      }),
    );
    // Later today: its 1-hour reminder was missed, its 15-minute one is still ahead.
    running.observe(
      appointmentEvent(clock, 'appointmentCreated', {
        id: 'demo',
        title: 'Demo',
        startsAt: now + 3 * hour + 30 * minute,
      }),
    );
    expect(raised).toHaveLength(0);

    clock.jump(3 * hour); // sleep: no timer fires
    expect(raised).toHaveLength(0);
    running.replan();
    running.replan(); // wake-up and clock-jump signals both arrive: idempotent
    expect(raised).toHaveLength(1);
    const [summary] = raised;
    expect(summary?.id.startsWith(missedRemindersIdPrefix)).toBe(true);
    const text = createEventDescriber({ lineName }).describe(summary as AlertEvent);
    expect(text.title).toBe('Missed appointment reminders');
    expect(text.body).toContain('Standup');
    expect(text.body).toContain('Demo');
    expect(text.body).not.toContain('over');

    clock.advanceTo(now + 3 * hour + 15 * minute);
    expect(offsetsOf(raised.slice(1))).toEqual(['15m']);
  });

  it('finds missed reminders even without a replan, within the longest timer it trusts', () => {
    const { clock, raised, scheduler } = setup();
    const now = clock.now();
    const running = scheduler();
    running.observe(
      appointmentEvent(clock, 'appointmentCreated', {
        id: 'a',
        startsAt: now + 150 * minute,
        endsAt: now + 210 * minute,
      }),
    );
    running.observe(
      appointmentEvent(clock, 'appointmentCreated', { id: 'b', startsAt: now + 4 * hour }),
    );
    clock.jump(3 * hour);
    expect(raised).toHaveLength(0);
    clock.advance(5 * minute);
    expect(raised).toHaveLength(1);
    expect(raised[0]?.id.startsWith(missedRemindersIdPrefix)).toBe(true);
  });

  it('reschedules a moved appointment and stops reminders of a cancelled one', () => {
    const { clock, raised, scheduler } = setup();
    const now = clock.now();
    const running = scheduler();
    running.observe(
      appointmentEvent(clock, 'appointmentCreated', { id: 'moved', startsAt: now + 2 * hour }),
    );
    running.observe(
      appointmentEvent(clock, 'appointmentCreated', { id: 'cancelled', startsAt: now + 2 * hour }),
    );
    running.observe(
      appointmentEvent(clock, 'appointmentUpdated', { id: 'moved', startsAt: now + 5 * hour }),
    );
    running.observe({
      kind: 'appointmentCancelled',
      id: 'cancel-1',
      occurredAt: new Date(now).toISOString(),
      appointmentId: 'cancelled',
    });
    clock.advanceTo(now + 3 * hour);
    expect(raised).toHaveLength(0);
    clock.advanceTo(now + 4 * hour);
    expect(offsetsOf(raised)).toEqual(['1h']);
    expect(raised[0]).toMatchObject({ appointment: { id: 'moved' } });
  });

  it('reminds on time, once, after an appointment is moved hundreds of times (stale entries pruned)', () => {
    const { clock, raised, scheduler } = setup();
    const now = clock.now();
    const running = scheduler();
    running.observe(
      appointmentEvent(clock, 'appointmentCreated', { id: 'steady', startsAt: now + 3 * hour }),
    );
    for (let move = 0; move < 300; move++) {
      running.observe(
        appointmentEvent(clock, 'appointmentUpdated', {
          id: 'busy',
          startsAt: now + (move % 2 === 0 ? 5 : 6) * hour + move * 60_000,
        }),
      );
    }
    clock.advanceTo(now + 2 * hour);
    expect(raised).toMatchObject([{ offset: '1h', appointment: { id: 'steady' } }]);
    // The last move (move 299, odd): 6 h + 299 min from now; its 1-hour reminder is 1 h before.
    clock.advanceTo(now + 5 * hour + 299 * 60_000 - 1);
    expect(raised).toHaveLength(3);
    clock.advanceTo(now + 5 * hour + 299 * 60_000);
    expect(raised).toHaveLength(4);
    expect(raised[3]).toMatchObject({ offset: '1h', appointment: { id: 'busy' } });
  });

  it('gives a moved reminder a new id, so the store does not take it for a duplicate', () => {
    const { clock, raised, scheduler } = setup();
    const now = clock.now();
    const running = scheduler();
    running.observe(
      appointmentEvent(clock, 'appointmentCreated', { id: 'm', startsAt: now + 2 * hour }),
    );
    clock.advanceTo(now + hour);
    running.observe(
      appointmentEvent(clock, 'appointmentUpdated', { id: 'm', startsAt: now + 3 * hour }),
    );
    clock.advanceTo(now + 2 * hour);
    expect(offsetsOf(raised)).toEqual(['1h', '1h']);
    expect(raised[0]?.id).not.toBe(raised[1]?.id);
  });

  it('schedules nothing for an appointment already over, and nothing twice for a replayed event', () => {
    const { clock, raised, scheduler } = setup();
    const now = clock.now();
    const running = scheduler();
    running.observe(
      appointmentEvent(clock, 'appointmentCreated', {
        id: 'past',
        startsAt: now - 2 * hour,
        endsAt: now - hour,
      }),
    );
    expect(running.pendingCount).toBe(0);
    const created = appointmentEvent(clock, 'appointmentCreated', {
      id: 'twice',
      startsAt: now + 2 * hour,
    });
    running.observe(created);
    running.observe(created);
    clock.advanceTo(now + 2 * hour);
    expect(offsetsOf(raised)).toEqual(['1h', '15m', '1m']);
  });
});
