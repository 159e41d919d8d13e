import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../../test/support/cleanups';
import { ManualClock } from '../../test/support/manual-clock';
import { createRecordingLogger } from '../../test/support/recording-logger';
import {
  burstWalBoundBytes,
  QuietHousekeeper,
  quietMilliseconds,
  walBoundBytes,
} from './quiet-housekeeper';
import type { StoreWal } from './store';
import { openDatabase } from './store/database';
import { migrate } from './store/migrate';
import { SqliteRetention } from './store/retention';
import { SqliteStore } from './store/sqlite-store';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-housekeeper-');
const day = 24 * 60 * 60 * 1000;

/**
 * A real store on disk, its WAL port recording when each checkpoint ran (by the clock), and
 * retention under a small rule so a few rows make several steps.
 */
function setUp(options: { walBytes?: () => number } = {}) {
  const clock = new ManualClock();
  const path = `${temporaryFolder()}/ringside.sqlite`;
  const db = openDatabase(path);
  migrate(db);
  const store = new SqliteStore(db, path);
  defer(() => store.close());
  const checkpoints: Array<{ at: number; walPages: number }> = [];
  const prunes: number[] = [];
  const wal: StoreWal = {
    holdAutomaticCheckpoints: (hold) => store.wal.holdAutomaticCheckpoints(hold),
    checkpoint: () => {
      const result = store.wal.checkpoint();
      checkpoints.push({ at: clock.now(), walPages: result.walPages });
      return result;
    },
    bytes: options.walBytes ?? (() => store.wal.bytes()),
  };
  const rule = new SqliteRetention(db, { keepDays: 1, keepItems: 2, batchSize: 3 });
  const retention = {
    rule: rule.rule,
    prune: (now: number) => {
      prunes.push(now);
      return rule.prune(now);
    },
  };
  const pruned: number[] = [];
  const housekeeper = new QuietHousekeeper({
    store: { wal, retention },
    clock,
    logger: createRecordingLogger(),
    onPruned: (result) => pruned.push(result.items),
  });
  defer(() => housekeeper.stop());
  /** One committed batch of `count` in-app items, `ageDays` old, told to the housekeeper. */
  let next = 0;
  const commit = (count = 50, ageDays = 0, bodyLength = 200) => {
    store.eventTransaction(() => {
      for (let index = 0; index < count; index++) {
        next += 1;
        store.notifications.add({
          id: `event-${next}`,
          eventId: `event-${next}`,
          title: 'A text',
          body: 'x'.repeat(bodyLength),
          createdAt: clock.now() - ageDays * day,
          read: false,
          quietReason: null,
        });
      }
    });
    housekeeper.committed();
  };
  return { clock, db, store, housekeeper, checkpoints, prunes, pruned, commit };
}

describe('QuietHousekeeper', () => {
  it('holds SQLite’s own checkpoints while it runs and gives them back when stopped', () => {
    const { db, housekeeper } = setUp();
    housekeeper.start();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    housekeeper.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
  });

  it('checkpoints once the stream goes quiet, never in the middle of a burst', () => {
    const { clock, housekeeper, checkpoints, commit } = setUp();
    housekeeper.start();
    clock.advance(quietMilliseconds);
    checkpoints.length = 0;
    // A burst: a batch every 500 ms for ten seconds.
    const burstStart = clock.now();
    for (let index = 0; index < 20; index++) {
      commit();
      clock.advance(500);
    }
    const burstEnd = clock.now() - 500;
    expect(checkpoints.filter((each) => each.at <= burstEnd)).toEqual([]);
    clock.advance(quietMilliseconds);
    expect(checkpoints).toHaveLength(1);
    const [checkpoint] = checkpoints;
    expect(checkpoint?.at).toBe(burstEnd + quietMilliseconds);
    expect(checkpoint?.at).toBeGreaterThan(burstStart);
    // Everything the burst wrote went into the database file.
    expect(checkpoint?.walPages).toBeGreaterThan(0);
    // Quiet with nothing written: no more checkpoints, and no timer left to wake the process.
    clock.advance(60_000);
    expect(checkpoints).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('checkpoints at the next commit once the WAL passes its bound, burst or not', () => {
    let walSize = 0;
    const { clock, housekeeper, checkpoints, commit } = setUp({ walBytes: () => walSize });
    housekeeper.start();
    commit();
    clock.advance(1_000);
    expect(checkpoints).toHaveLength(0);
    walSize = walBoundBytes + 1;
    commit();
    expect(checkpoints.map((each) => each.at)).toEqual([clock.now()]);
  });

  it('keeps a sustained burst’s WAL near its bound: short checkpoints inside it, not one long one', () => {
    const { clock, store, housekeeper, checkpoints, commit } = setUp();
    housekeeper.start();
    let largest = 0;
    // A burst: a batch every 10 ms, ~200 KB of WAL each, 24 MB in all.
    for (let index = 0; index < 120; index++) {
      commit(50, 0, 4_000);
      largest = Math.max(largest, store.wal.bytes());
      clock.advance(10);
    }
    expect(checkpoints.length).toBeGreaterThanOrEqual(4);
    // Checked every 50 ms: past the bound by at most the batches of those 50 ms.
    expect(largest).toBeLessThan(burstWalBoundBytes + 2 * 1024 * 1024);
  });

  it('lets a stream of single events grow the WAL to the larger bound: one delayed event per checkpoint, rarely', () => {
    let walSize = 0;
    const { clock, housekeeper, checkpoints, commit } = setUp({ walBytes: () => walSize });
    housekeeper.start();
    // 400 commits of one event each, ~20 KB of WAL apiece: past the burst's bound, not a burst.
    for (let index = 1; index <= 400; index++) {
      walSize = index * 20 * 1024;
      commit(1);
      clock.advance(50);
    }
    expect(walSize).toBeGreaterThan(burstWalBoundBytes);
    expect(checkpoints).toHaveLength(0);
    walSize = walBoundBytes + 1;
    commit(1);
    expect(checkpoints.map((each) => each.at)).toEqual([clock.now()]);
  });

  it('prunes in small steps once quiet, until nothing is past the rule, then sleeps', () => {
    const { clock, store, housekeeper, prunes, pruned, commit } = setUp();
    commit(10, 30);
    commit(2, 0);
    housekeeper.start();
    clock.advance(quietMilliseconds - 1);
    expect(prunes).toEqual([]);
    commit(1, 0);
    // Ten old items, three per step: four steps that prune, one that finds nothing.
    clock.advance(quietMilliseconds + 10_000);
    expect(pruned).toEqual([3, 3, 3, 1]);
    expect(prunes).toHaveLength(5);
    expect(store.notifications.list(100)).toHaveLength(3);
    expect(store.notifications.unreadCount()).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });
});
