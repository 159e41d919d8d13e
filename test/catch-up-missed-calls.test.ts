import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCompanion } from '../main/core/companion';
import { createSystemClock } from '../main/core/ports';
import { startService } from '../service';
import { demoLines, demoUsers } from '../service/seed';
import { cleanupAfterEach } from './support/cleanups';
import { createRecordingLogger } from './support/recording-logger';
import { RecordingNotifier } from './support/recording-notifier';
import { createCondition, waitForValue } from './support/wait-for';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-catch-up-calls-');

/**
 * A catch-up after an offline period with more calls than any memory of ended calls held
 * (2,000 once): every call that rang and stopped while offline is a missed call, summarised
 * once, never "new calls" (issue 12: "1500 new calls" popped twice).
 */
describe('a catch-up of calls that ended while offline', () => {
  it('2,500 calls rang and ended: one "missed calls" pop-up, no call rings, every item says missed', async () => {
    const service = await startService({
      databasePath: join(temporaryFolder(), 'service.sqlite'),
    });
    defer(() => service.close());
    const dataDir = temporaryFolder();
    const notifier = new RecordingNotifier();
    const start = () =>
      createCompanion({
        dataDir,
        serviceUrl: service.url,
        token: demoUsers.jordan.token,
        notifier,
        clock: createSystemClock(),
        logger: createRecordingLogger(),
      });
    // Online once, so the backlog is a reconnect's catch-up.
    const first = start();
    await first.start();
    await waitForValue(first.connection, (state) => state.status === 'connected');
    await first.stop();

    const calls = 2_500;
    const call = (index: number, state: string) => ({
      kind: 'call',
      lineId: demoLines.jordan.id,
      from: '+14155552631',
      contactName: 'Ann Lee',
      callId: `offline-${index}`,
      state,
    });
    // Interleaved as a day of calls comes: each one rings, then the next rings, then it ends.
    const ids: string[] = [];
    for (let index = 0; index < calls; index++) {
      ids.push(service.inject(demoUsers.jordan.id, call(index, 'ringing'))[0]?.id ?? '');
      if (index > 0) service.inject(demoUsers.jordan.id, call(index - 1, 'missed'));
    }
    service.inject(demoUsers.jordan.id, call(calls - 1, 'ended'));

    const companion = start();
    defer(() => companion.stop());
    const settled = new Set<string>();
    const changed = createCondition();
    companion.onDecision((item) => {
      settled.add(item.eventId);
      changed.signal();
    });
    await companion.start();
    await changed.until(() => ids.every((id) => settled.has(id)), 'every call decided', 120_000);
    await notifier.waitFor((popup) => /missed calls/u.test(popup.title), 'the summary');
    const titles = notifier.shown.map((popup) => popup.title);
    expect(titles).toEqual([`${calls} missed calls on Jordan's line`]);
    expect(titles.some((title) => /new calls|Incoming call/u.test(title))).toBe(false);
    const items = await companion.listNotifications({ limit: 1000 });
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => item.title === 'Missed call from Ann Lee')).toBe(true);
  }, 180_000);
});
