import { beforeEach, describe, expect, it } from 'vitest';
import { reminderEventId, type PushedEvent, type ReminderOffset } from '../common';
import { cleanupAfterEach } from '../test/support/cleanups';
import { hasEvent, pushedEvents, ServiceFixture } from '../test/support/service-fixture';
import { demoUsers } from './seed';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const { defer, temporaryFolder } = cleanupAfterEach('ringside-reminders-');
let fixture: ServiceFixture;
/** The appointment starts two days after the test does. */
let startsAt: number;

beforeEach(async () => {
  fixture = new ServiceFixture(temporaryFolder());
  defer(() => fixture.stop());
  await fixture.start();
  startsAt = fixture.clock.now() + 2 * day;
});

function appointment(start = startsAt) {
  return {
    id: 'appt-cleaning',
    title: 'Cleaning with Ann Lee',
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 30 * minute).toISOString(),
    contactName: 'Ann Lee',
  };
}

function emit(event: Record<string, unknown> & { kind: string }): void {
  fixture.service.inject(demoUsers.jordan.id, event);
}

/** Jordan's reminders so far, as "offset at minutes before the start". */
async function reminders(): Promise<PushedEvent[]> {
  return (await fixture.events('jordan')).filter((event) => event.kind === 'appointmentReminder');
}

function described(events: readonly PushedEvent[], start = startsAt): string[] {
  return events.map((event) =>
    event.kind === 'appointmentReminder'
      ? `${event.offset} at ${(start - Date.parse(event.occurredAt)) / minute} min before`
      : event.kind,
  );
}

const idOf = (offset: ReminderOffset, start = startsAt) =>
  reminderEventId(
    demoUsers.jordan.id,
    'appt-cleaning',
    offset,
    start - { '1d': day, '1h': hour, '15m': 15 * minute, '1m': minute }[offset],
  );

describe('appointment reminders on the service', () => {
  it('are planned at creation and raised at each moment as the clock moves, with the shared ids', async () => {
    const device = await fixture.connect('jordan');
    emit({ kind: 'appointmentCreated', appointment: appointment() });
    expect(await reminders()).toEqual([]);
    fixture.clock.advanceTo(startsAt - day - 1);
    expect(await reminders()).toEqual([]);
    fixture.clock.advanceTo(startsAt + hour);

    const raised = await reminders();
    expect(described(raised)).toEqual([
      '1d at 1440 min before',
      '1h at 60 min before',
      '15m at 15 min before',
      '1m at 1 min before',
    ]);
    expect(raised.map((event) => event.id)).toEqual(
      (['1d', '1h', '15m', '1m'] as const).map((offset) => idOf(offset)),
    );
    await device.waitFor(hasEvent(idOf('1m')), 'the 1-minute reminder');
    expect(pushedEvents(device).filter((event) => event.kind === 'appointmentReminder')).toEqual(
      raised,
    );
    // Emailed per the defaults: the 1-day reminder only (the 1-hour and 15-minute ones are
    // desktop and in-app; the 1-minute one is off), and each outcome says why not.
    const outbox = await fixture.outbox('jordan');
    expect(
      raised.map((event) => outbox.filter((entry) => entry.eventId === event.id).length),
    ).toEqual([1, 0, 0, 0]);
    expect(raised.slice(1).map((event) => event.outcome?.deliveries[0])).toEqual([
      expect.objectContaining({ status: 'notSent', code: 'channelOffForTypeByUser' }),
      expect.objectContaining({ status: 'notSent', code: 'channelOffForTypeByUser' }),
      expect.objectContaining({ status: 'notSent', code: 'typeOffByUser' }),
    ]);
  });

  it('are re-planned when the appointment moves, and dropped when it is cancelled', async () => {
    emit({ kind: 'appointmentCreated', appointment: appointment() });
    fixture.clock.advanceTo(startsAt - day);
    const moved = startsAt + day;
    emit({ kind: 'appointmentUpdated', appointment: appointment(moved) });
    // The old 1-hour moment passes in silence; the new 1-day one comes.
    fixture.clock.advanceTo(startsAt);
    expect(described(await reminders(), moved)).toEqual([
      '1d at 2880 min before',
      '1d at 1440 min before',
    ]);
    expect((await reminders())[1]?.id).toBe(idOf('1d', moved));

    emit({ kind: 'appointmentCancelled', appointmentId: 'appt-cleaning' });
    fixture.clock.advanceTo(moved + day);
    expect(await reminders()).toHaveLength(2);
  });

  it('are re-planned at a restart, and one missed while the service was down comes late, once', async () => {
    await fixture.enableTexts('jordan', 'appointmentReminder15Minutes');
    emit({ kind: 'appointmentCreated', appointment: appointment() });
    await fixture.stop();
    // Down from 2 days to 10 minutes before the start: the 1-day, 1-hour and 15-minute moments pass.
    fixture.clock.advanceTo(startsAt - 10 * minute);
    await fixture.start();
    const late = await reminders();
    expect(described(late)).toEqual(['15m at 10 min before']);
    expect(late[0]?.id).toBe(idOf('15m'));
    expect(
      (await fixture.outbox('jordan'))
        .filter((entry) => entry.eventId === idOf('15m'))
        .map((entry) => entry.channel),
    ).toEqual(['email', 'text']);

    // The next one still comes on time, and a second restart repeats nothing.
    await fixture.restart();
    fixture.clock.advanceTo(startsAt);
    expect(described(await reminders())).toEqual(['15m at 10 min before', '1m at 1 min before']);
  });

  it('are dropped when the service comes back after the appointment started', async () => {
    emit({ kind: 'appointmentCreated', appointment: appointment() });
    fixture.clock.advanceTo(startsAt - day);
    await fixture.stop();
    fixture.clock.advanceTo(startsAt + 5 * minute);
    await fixture.start();
    fixture.clock.advanceTo(startsAt + day);
    expect(described(await reminders())).toEqual(['1d at 1440 min before']);
  });

  it('raises at once a reminder already due when an appointment arrives late', async () => {
    // Booked an hour ago (its occurredAt), for 30 minutes from now: the 1-hour moment has passed.
    const now = fixture.clock.now();
    fixture.service.inject(
      demoUsers.jordan.id,
      { kind: 'appointmentCreated', appointment: appointment(now + 30 * minute) },
      new Date(now - hour).toISOString(),
    );
    expect(described(await reminders(), now + 30 * minute)).toEqual(['1h at 30 min before']);
  });
});
