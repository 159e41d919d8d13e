import { describe, expect, it } from 'vitest';
import { reminderEventId, type ChannelReport, type OutboxEntry } from '../common';
import { demoUsers } from '../service';
import { cleanupAfterEach } from './support/cleanups';
import {
  faultFigures,
  printFigures,
  startHarness,
  type CompanionHarness,
} from './support/companion-harness';
import { ServiceFixture } from './support/service-fixture';
import { waitForValue } from './support/wait-for';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-derived-');
const hour = 3_600_000;

async function fixture(): Promise<ServiceFixture> {
  const service = new ServiceFixture(temporaryFolder());
  await service.start();
  defer(() => service.stop());
  return service;
}

/** A companion of `user` on the fixture's service and clock (one clock moves both). */
async function device(service: ServiceFixture, user: 'sam' | 'jordan'): Promise<CompanionHarness> {
  const harness = startHarness({
    dataDir: temporaryFolder(),
    serviceUrl: service.service.url,
    token: service.token(user),
    clock: service.clock,
    backoff: { initialMilliseconds: 100, maximumMilliseconds: 100, jitter: 0 },
    coalesceWindowMilliseconds: 1_000,
  });
  defer(() => harness.companion.stop());
  await harness.companion.start();
  await waitForValue(harness.companion.connection, (state) => state.status === 'connected');
  return harness;
}

function emailOf(harness: CompanionHarness, eventId: string): ChannelReport | undefined {
  return harness.items.get(eventId)?.channels.find((report) => report.channel === 'email');
}

function emailsFor(outbox: readonly OutboxEntry[], eventId: string): OutboxEntry[] {
  return outbox.filter((entry) => entry.eventId === eventId && entry.channel === 'email');
}

describe('derived alerts come from the service alone', () => {
  it('two devices of one user, a usage jump to 100 % and a reminder: one email each, one pop-up per device, Activity names the outbox ids', async () => {
    const service = await fixture();
    // The 1-hour reminder is desktop-only by default: this test wants its email too.
    await service.editPreferences('sam', (preferences) => {
      preferences.alertChannels.appointmentReminder1Hour.email = true;
    });
    const devices = [await device(service, 'sam'), await device(service, 'sam')];
    const start = service.clock.now();
    service.service.inject(demoUsers.sam.id, {
      kind: 'usage',
      periodId: 'period-nov',
      usedMinutes: 700,
      includedMinutes: 1000,
    });
    service.service.inject(demoUsers.sam.id, {
      kind: 'usage',
      periodId: 'period-nov',
      usedMinutes: 1000,
      includedMinutes: 1000,
    });
    const [created] = service.service.inject(demoUsers.sam.id, {
      kind: 'appointmentCreated',
      appointment: {
        id: 'appt-review',
        title: 'Quarterly review',
        startsAt: new Date(start + 2 * hour).toISOString(),
        endsAt: new Date(start + 3 * hour).toISOString(),
        contactName: null,
      },
    });
    const threshold = (await service.events('sam')).find(
      (event) => event.kind === 'usageThreshold',
    );
    if (!threshold || !created) throw new Error('The service derived no threshold alert');
    for (const harness of devices) {
      await harness.changed.until(
        () => harness.store().events.has(created.id) && harness.decisions.has(threshold.id),
        'the threshold alert and the appointment on each device',
      );
    }
    // The 1-hour reminder comes due on the service and, planned locally, on each device: the
    // devices wait their grace for the service's copy.
    const reminderId = reminderEventId(demoUsers.sam.id, 'appt-review', '1h', start + hour);
    service.clock.advance(hour);
    for (const harness of devices) {
      await harness.changed.until(
        () => harness.store().events.has(reminderId),
        "the service's reminder on each device",
      );
    }
    // Past the grace (15 s) and the coalescing window: nothing raised locally.
    service.clock.advance(20_000);
    for (const harness of devices) {
      await harness.changed.until(
        () => harness.decisions.has(reminderId),
        'the reminder told on each device',
      );
    }
    const outbox = await service.outbox('sam');
    expect(emailsFor(outbox, threshold.id)).toHaveLength(1);
    expect(emailsFor(outbox, reminderId)).toHaveLength(1);
    for (const [index, harness] of devices.entries()) {
      expect(harness.popupsFor(threshold.id)).toBe(1);
      expect(harness.popupsFor(reminderId)).toBe(1);
      // The reminder recorded is the service's (it has a seq), never a local copy.
      expect(harness.store().events.get(reminderId)?.seq).toBeGreaterThan(0);
      // Activity names the outbox rows the service wrote.
      for (const eventId of [threshold.id, reminderId]) {
        expect(emailOf(harness, eventId)).toEqual({
          channel: 'email',
          status: 'sent',
          outboxId: emailsFor(outbox, eventId)[0]?.id,
          destination: 'sam@harbor-dental.example.com',
        });
      }
      printFigures(
        `two devices, device ${index + 1}`,
        faultFigures(harness, [threshold.id, reminderId], outbox),
      );
    }
    // Nothing derived on the companion: no local high-SMS or usage ids anywhere.
    for (const harness of devices) {
      const activity = await harness.companion.listActivity({ limit: 500 });
      expect(activity.filter((item) => item.eventId.startsWith('local:'))).toEqual([]);
    }
  }, 60_000);

  it("a reminder shown offline, then the service's copy: one pop-up, one in-app item, one Activity row, lastSeq past it", async () => {
    const service = await fixture();
    const port = service.service.port;
    await service.editPreferences('jordan', (preferences) => {
      preferences.alertChannels.appointmentReminder1Hour.email = true;
    });
    const harness = await device(service, 'jordan');
    const start = service.clock.now();
    const [created] = service.service.inject(demoUsers.jordan.id, {
      kind: 'appointmentCreated',
      appointment: {
        id: 'appt-offline',
        title: 'Crown fitting',
        startsAt: new Date(start + 90 * 60_000).toISOString(),
        endsAt: new Date(start + 120 * 60_000).toISOString(),
        contactName: 'Ben Ortiz',
      },
    });
    if (!created) throw new Error('No appointment event');
    await harness.changed.until(
      () => harness.store().events.has(created.id),
      'the appointment recorded',
    );
    await service.stop();
    await waitForValue(harness.companion.connection, (state) => state.status === 'reconnecting');

    // The link is down when the 1-hour reminder comes due: raised here, at once.
    const reminderId = reminderEventId(
      demoUsers.jordan.id,
      'appt-offline',
      '1h',
      start + 30 * 60_000,
    );
    service.clock.advance(30 * 60_000);
    await harness.changed.until(() => harness.decisions.has(reminderId), 'the local reminder');
    expect(harness.store().events.get(reminderId)?.seq).toBeNull();
    expect(emailOf(harness, reminderId)).toEqual({
      channel: 'email',
      status: 'pending',
      code: 'awaitingService',
      explanation: 'Email is sent by the service; it has not reported on this alert yet',
    });

    // The service comes back; the reminder it missed is raised late (the appointment has not
    // started) with the same id, and replayed to the companion.
    await service.start(port);
    service.clock.advance(100);
    await waitForValue(harness.companion.connection, (state) => state.status === 'connected');
    const served = (await service.events('jordan')).find((event) => event.id === reminderId);
    if (!served) throw new Error('The service raised no reminder');
    await harness.changed.until(
      () => harness.updates.has(reminderId),
      "the service's report on the local reminder",
    );
    const outbox = await service.outbox('jordan');
    expect(harness.store().events.lastSeq()).toBeGreaterThanOrEqual(served.seq);
    expect(harness.store().events.get(reminderId)?.seq).toBe(served.seq);
    expect(harness.popupsFor(reminderId)).toBe(1);
    expect(harness.decisions.get(reminderId)).toBe(1);
    expect(harness.updates.get(reminderId)).toBe(1);
    const items = await harness.companion.listNotifications({ limit: 1000 });
    expect(items.filter((item) => item.eventId === reminderId)).toHaveLength(1);
    const activity = await harness.companion.listActivity({ limit: 500 });
    expect(activity.filter((item) => item.eventId === reminderId)).toHaveLength(1);
    expect(emailOf(harness, reminderId)).toEqual({
      channel: 'email',
      status: 'sent',
      outboxId: emailsFor(outbox, reminderId)[0]?.id,
      destination: 'jordan@harbor-dental.example.com',
    });
    printFigures('offline reminder, then the service', faultFigures(harness, [reminderId], outbox));
  }, 60_000);
});
