import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFailureNotices } from '../main/core/event-batch';
import { startService, type RunningService } from '../service';
import { cleanupAfterEach } from './support/cleanups';
import {
  faultFigures,
  outboxOf,
  printFigures,
  startHarness,
  type CompanionHarness,
} from './support/companion-harness';
import { ManualClock } from './support/manual-clock';
import { editPreferencesOverHttp } from './support/service-test-client';
import { waitForValue } from './support/wait-for';

const jordan = { id: 'user-jordan', token: 'demo-token-jordan' };
const { defer, temporaryFolder } = cleanupAfterEach('ringside-writes-');

/** The service, with email on for Jordan's texts: the service's email does not wait on the disk here. */
async function service(): Promise<RunningService> {
  const running = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
  defer(() => running.close());
  await editPreferencesOverHttp(running.url, jordan.token, (preferences) => {
    preferences.alertChannels.textPersonal.email = true;
  });
  return running;
}

/** Texts from many numbers (never a high-SMS burst) on Jordan's line. */
function text(index: number) {
  return {
    kind: 'text',
    lineId: 'line-jordan',
    from: `+1415555${String(1000 + index).padStart(4, '0')}`,
    contactName: null,
    body: `Message ${index}`,
  };
}

async function connectedCompanion(running: RunningService): Promise<{
  harness: CompanionHarness;
  clock: ManualClock;
}> {
  // The companion's clock is moved by hand: a held batch is retried when the test says so.
  const clock = new ManualClock(Date.now());
  const harness = startHarness({
    dataDir: temporaryFolder(),
    serviceUrl: running.url,
    token: jordan.token,
    clock,
    backoff: { initialMilliseconds: 20, maximumMilliseconds: 200 },
    coalesceWindowMilliseconds: 1_000,
  });
  defer(() => harness.companion.stop());
  await harness.companion.start();
  await waitForValue(harness.companion.connection, (state) => state.status === 'connected');
  return { harness, clock };
}

/** Checked after every commit: `lastSeq` never passes an event that is not recorded. */
function watchForGaps(harness: CompanionHarness, idsBySeq: Map<number, string>): string[] {
  const gaps: string[] = [];
  const store = harness.store();
  store.afterEachCommit(() => {
    const lastSeq = store.events.lastSeq();
    for (const [seq, id] of idsBySeq) {
      if (seq <= lastSeq && !store.events.has(id)) gaps.push(`${id} (seq ${seq} ≤ ${lastSeq})`);
    }
  });
  return gaps;
}

describe('a failed write holds alerts, never loses or repeats one', () => {
  it('one failed write: the event is held, retried after 1 s, then recorded, told and shown once', async () => {
    const running = await service();
    const { harness, clock } = await connectedCompanion(running);
    const store = harness.store();
    store.failNext('SQLITE_FULL');
    const [event] = running.inject(jordan.id, text(1));
    if (!event) throw new Error('No event');
    await waitForValue(
      harness.companion.health,
      (notices) => notices.some((notice) => notice.code === 'diskFull'),
      'the disk-full notice',
    );
    expect(harness.companion.health.get()).toContainEqual({
      code: 'diskFull',
      message: writeFailureNotices.diskFull,
    });
    expect(store.events.has(event.id)).toBe(false);
    expect(store.events.lastSeq()).toBe(0);
    expect(harness.decisions.size).toBe(0);
    expect(harness.notifier.shown).toEqual([]);
    // The link stays up; the batch is tried again after the first wait.
    expect(harness.companion.connection.get().status).toBe('connected');
    clock.advance(1_000);
    await harness.changed.until(() => harness.decisions.has(event.id), 'the decision');
    expect(store.events.lastSeq()).toBe(event.seq);
    expect(harness.popupsFor(event.id)).toBe(1);
    expect(harness.companion.health.get()).toEqual([]);
    expect(harness.logged(writeFailureNotices.diskFull)).toHaveLength(1);
    const figures = faultFigures(harness, [event.id], await outboxOf(running, jordan.token));
    printFigures('one failed write', figures);
    expect(figures).toMatchObject({ in: 1, recorded: 1, shown: 1, popups: 1, lost: 0, twice: 0 });
    expect(figures.emailed).toBe(1);
  });

  it('failed writes inside a burst of 100: 0 lost, 0 twice, lastSeq never past a gap', async () => {
    const running = await service();
    const { harness, clock } = await connectedCompanion(running);
    const store = harness.store();
    const idsBySeq = new Map<number, string>();
    const gaps = watchForGaps(harness, idsBySeq);
    const ids: string[] = [];
    const wave = (from: number) => {
      for (let index = from; index < from + 25; index += 1) {
        for (const event of running.inject(jordan.id, text(index))) {
          idsBySeq.set(event.seq, event.id);
          ids.push(event.id);
        }
      }
    };
    const notice = (code: string) =>
      harness.companion.health.get().some((entry) => entry.code === code);
    const allRecorded = () => ids.every((id) => store.events.has(id));
    // A burst of 100 in four waves. The second wave's batch fails (disk full) and is held; the
    // third arrives behind it; their retry fails again (an I/O error), the next one goes through.
    wave(0);
    await harness.changed.until(allRecorded, 'the first wave recorded');
    store.failNext('SQLITE_FULL');
    wave(25);
    await harness.changed.until(() => notice('diskFull'), 'the disk-full notice');
    wave(50);
    store.failNextWrite('SQLITE_IOERR_WRITE');
    clock.advance(1_000);
    await harness.changed.until(() => notice('storageError'), 'the I/O-error notice');
    expect(ids.slice(25).filter((id) => store.events.has(id))).toEqual([]);
    // The wait doubles: 2 s now.
    clock.advance(2_000);
    await harness.changed.until(allRecorded, 'the held waves recorded');
    expect(harness.companion.health.get()).toEqual([]);
    wave(75);
    await harness.changed.until(allRecorded, 'the last wave recorded');
    // Past the coalescing windows: every pop-up is out and every decision told.
    clock.advance(5_000);
    await harness.changed.until(
      () => ids.every((id) => harness.decisions.has(id)),
      'every decision told',
    );
    expect(gaps).toEqual([]);
    expect(store.failures).toBe(2);
    expect(store.events.lastSeq()).toBe(Math.max(...idsBySeq.keys()));
    expect(harness.noticesSeen).toEqual(['diskFull', 'storageError']);
    const figures = faultFigures(harness, ids, await outboxOf(running, jordan.token));
    printFigures('failed writes in a burst of 100', figures);
    expect(figures).toMatchObject({ in: 100, recorded: 100, shown: 100, lost: 0, twice: 0 });
    expect(figures.popups).toBeGreaterThan(0);
    // The burst's first text is emailed at once; the service holds the rest for its digest, and
    // the companion says so for each of them.
    expect(figures.emailed).toBe(1);
    const emailStatuses = ids.map(
      (id) => harness.items.get(id)?.channels.find((report) => report.channel === 'email')?.status,
    );
    expect(emailStatuses.filter((status) => status === 'sent')).toHaveLength(1);
    expect(emailStatuses.filter((status) => status === 'held')).toHaveLength(99);
    // Every event is in the in-app list once.
    const listed = await harness.companion.listNotifications({ limit: 1000 });
    expect(listed.filter((item) => idsBySeq.size > 0 && ids.includes(item.eventId))).toHaveLength(
      100,
    );
  });
});
