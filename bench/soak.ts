import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openDatabase } from '../main/core/store/database';
import { ManualClock } from '../test/support/manual-clock';
import type { Row } from './figures';
import { fullPath, streamEvent, userId } from './full-path';

/**
 * The stream's pace on the soak's clock: one event every 100 ms, so a million is about 28 hours
 * of an agent's day (groups end when quiet, a ringing call whose stop never comes rings out).
 */
const eventMilliseconds = 100;

/** A forced garbage collection (the soak's figures are taken after one). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return () => gc?.();
}
const collect = collector();

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/**
 * Memory outside V8 (what SQLite allocates is in here, with Node's own and the allocator's):
 * resident memory less the part of V8's heap that is resident (`total_physical_size`: V8
 * reserves more than it touches, so less `heapTotal` could go below zero) and the external
 * memory V8 accounts (Buffers).
 */
function nativeMemory(): number {
  const usage = process.memoryUsage();
  return usage.rss - getHeapStatistics().total_physical_size - usage.external;
}

/** V8's young generation as reserved now (it grows in steps up to its maximum, then stays). */
function youngGeneration(): number {
  return (
    getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0
  );
}

/**
 * The page cache bound a connection with the store's pragmas has (a negative cache_size is
 * KiB, a positive one pages), read on a fresh connection to the same file.
 */
function sqliteBounds(file: string) {
  const db = openDatabase(file);
  try {
    const cacheSize = Number(db.pragma('cache_size', { simple: true }));
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const pageCount = Number(db.pragma('page_count', { simple: true }));
    const mmapSize = Number(db.pragma('mmap_size', { simple: true }));
    const cacheBytes = cacheSize < 0 ? -cacheSize * 1024 : cacheSize * pageSize;
    return { cacheSize, pageSize, cacheBytes, mmapSize, fileBytes: pageCount * pageSize };
  } finally {
    db.close();
  }
}

/** A million events through the pipeline (no socket), resident memory before and after. */
export async function benchSoak(events: number): Promise<Row[]> {
  const folder = mkdtempSync(join(tmpdir(), 'ringside-bench-soak-'));
  try {
    const clock = new ManualClock(Date.now());
    const path = fullPath(folder, () => undefined, clock);
    await path.delivery.start();
    // The warm-up is what a sustained stream grows once and then keeps: V8 grows its young
    // generation to its maximum (64 → 128 MB) somewhere past 50,000 events, and the allocator's
    // arenas settle; a 50,000-event warm-up ended before that and put the one-off step in run 1.
    const warmUp = Math.min(200_000, Math.floor(events / 5));
    // Fed in chunks of 1,000, each in one event transaction (as a socket burst is): the soak is
    // about memory over a million events, not the per-event commit cost measured above. After
    // each chunk its time passes on the clock (coalescing timers run, ringing calls ring out)
    // and its pop-ups are handed off before the next: pop-ups reach the notifier one a turn of
    // the event loop (main/core/event-batch.ts, rule 4), and a feed of 100 ringing calls a turn
    // with nothing waiting would only measure a queue no agent's stream can build.
    const feed = async (from: number, to: number) => {
      for (let chunk = from; chunk < to; chunk += 1_000) {
        const end = Math.min(to, chunk + 1_000);
        path.batches.run(() => {
          for (let index = chunk; index < end; index += 1) {
            path.pipeline.process({ ...streamEvent(index), seq: index + 1, userId });
          }
        });
        await new Promise((resolve) => setImmediate(resolve));
        clock.advance((end - chunk) * eventMilliseconds);
        await path.delivery.flush();
      }
    };
    await feed(0, warmUp);
    collect();
    const before = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    const heapTotalBefore = process.memoryUsage().heapTotal;
    const youngBefore = youngGeneration();
    const nativeBefore = nativeMemory();
    const started = performance.now();
    await feed(warmUp, events);
    const elapsed = performance.now() - started;
    await path.delivery.flush();
    collect();
    const after = process.memoryUsage().rss;
    const heapAfter = process.memoryUsage().heapUsed;
    const heapTotalAfter = process.memoryUsage().heapTotal;
    const youngAfter = youngGeneration();
    const nativeAfter = nativeMemory();
    path.delivery.stop();
    const decided = path.pipeline.counters.decided;
    const sqlite = sqliteBounds(path.store.path);
    path.store.close();
    const growth = (after - before) / (1024 * 1024);
    const nativeGrowth = (nativeAfter - nativeBefore) / 1048576;
    return [
      {
        name: `soak: ${events.toLocaleString('en-US')} events through the full path`,
        value: Math.round((events - warmUp) / (elapsed / 1000)),
        unit: 'events/s',
        detail: `${decided.toLocaleString('en-US')} decided, ${path.notifier.shown} pop-ups (coalesced), ${round(elapsed / 1000, 1)} s`,
      },
      { name: 'soak: resident memory before', value: round(before / 1048576, 1), unit: 'MB' },
      { name: 'soak: resident memory after', value: round(after / 1048576, 1), unit: 'MB' },
      {
        name: 'soak: resident memory growth',
        value: round(growth, 1),
        unit: 'MB',
        detail: `after a ${warmUp.toLocaleString('en-US')}-event warm-up; JS heap in use ${round(heapBefore / 1048576, 1)} → ${round(heapAfter / 1048576, 1)} MB, V8 heap reserved ${round(heapTotalBefore / 1048576, 1)} → ${round(heapTotalAfter / 1048576, 1)} MB (of it the young generation ${round(youngBefore / 1048576, 1)} → ${round(youngAfter / 1048576, 1)} MB)`,
        target: '< 10 MB',
        met: growth < 10,
      },
      {
        name: 'soak: native memory growth (SQLite and the rest outside V8)',
        value: round(nativeGrowth, 1),
        unit: 'MB',
        detail:
          `resident memory less V8's resident heap and external memory, ${round(nativeBefore / 1048576, 1)} → ` +
          `${round(nativeAfter / 1048576, 1)} MB; SQLite's page cache is bounded by the connection's ` +
          `cache_size ${sqlite.cacheSize} × page_size ${sqlite.pageSize} B = ${round(sqlite.cacheBytes / 1048576, 1)} MB ` +
          `(mmap_size ${sqlite.mmapSize}); the database file ${round(sqlite.fileBytes / 1048576, 1)} MB ` +
          '(sqlite3_memory_used is not exposed by better-sqlite3)',
      },
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
