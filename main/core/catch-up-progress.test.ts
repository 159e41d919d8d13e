import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCatchUp, type CatchUpProgress, type Profile } from '../../common';
import { startService } from '../../service';
import { cleanupAfterEach } from '../../test/support/cleanups';
import { ManualClock } from '../../test/support/manual-clock';
import { createRecordingLogger } from '../../test/support/recording-logger';
import { RecordingNotifier } from '../../test/support/recording-notifier';
import { waitForValue } from '../../test/support/wait-for';
import { CatchUpTracker, progressIntervalMilliseconds } from './catch-up-progress';
import { createCompanion } from './companion';
import { createServiceClient } from './connection';
import { createSystemClock } from './ports';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-catch-up-');

describe('CatchUpTracker', () => {
  it('publishes done of total at most every interval on the clock, and null at the end', () => {
    const clock = new ManualClock();
    const tracker = new CatchUpTracker(clock);
    const seen: Array<CatchUpProgress | null> = [];
    tracker.progress.subscribe((progress) => seen.push(progress));
    tracker.begin(1_000);
    tracker.counted(5); // before the service said how many: nothing to say yet
    tracker.expect(101_000);
    tracker.counted(500);
    tracker.counted(500);
    clock.advance(progressIntervalMilliseconds);
    tracker.counted(39_000);
    tracker.end();
    expect(seen).toEqual([{ done: 0, total: 100_000 }, { done: 40_000, total: 100_000 }, null]);
    expect(describeCatchUp({ done: 40_000, total: 100_000 })).toBe(
      'Catching up: 40,000 of 100,000',
    );
    // A reconnect with nothing missed shows nothing.
    tracker.begin(101_000);
    tracker.expect(101_000);
    tracker.counted(0);
    expect(seen).toHaveLength(3);
  });
});

describe('catch-up progress of a companion', () => {
  it('counts the replayed events of the backlog the service announced, then clears', async () => {
    const service = await startService({
      databasePath: join(temporaryFolder(), 'service.sqlite'),
    });
    defer(() => service.close());
    const missed = 600;
    for (let index = 0; index < missed; index++) {
      service.inject('user-jordan', {
        kind: 'text',
        lineId: 'line-jordan',
        from: `+1415555${String(1000 + (index % 50))}`,
        contactName: null,
        body: `Message ${index}`,
      });
    }
    const token = 'demo-token-jordan';
    const profile: Profile = await createServiceClient({
      serviceUrl: service.url,
      token,
    }).profile();
    expect(profile.user.id).toBe('user-jordan');
    const companion = createCompanion({
      dataDir: temporaryFolder(),
      serviceUrl: service.url,
      token,
      notifier: new RecordingNotifier(),
      clock: createSystemClock(),
      logger: createRecordingLogger(),
      coalesceWindowMilliseconds: 0,
    });
    defer(() => companion.stop());
    const seen: Array<CatchUpProgress | null> = [];
    companion.catchUp.subscribe((progress) => seen.push(progress));
    await companion.start();
    const first = await waitForValue(companion.catchUp, (progress) => progress !== null);
    await waitForValue(companion.catchUp, (progress) => progress === null, 'the catch-up ends');
    // The texts, and the alerts the service derived from them (many texts from one number).
    expect(first?.done).toBe(0);
    expect(first?.total).toBeGreaterThanOrEqual(missed);
    const published = seen.filter((value): value is CatchUpProgress => value !== null);
    for (const [index, value] of published.entries()) {
      expect(value.total).toBe(first?.total);
      expect(value.done).toBeGreaterThanOrEqual(published[index - 1]?.done ?? 0);
    }
    expect(seen.at(-1)).toBeNull();
  });
});
