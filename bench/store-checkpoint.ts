import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, type Row } from './figures';
import { fullPath, streamEvent, userId } from './full-path';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const megabyte = 1024 * 1024;

/**
 * What a WAL checkpoint costs against the WAL's size, and what a size bound costs a burst
 * (main/core/store/README.md, "Checkpoints"): `events` events through the full path (no
 * socket) in batches of 200 (a burst's batch), SQLite's automatic checkpoints held, and a
 * PASSIVE checkpoint, timed, after the commit that takes the WAL past `bound`. Per bound: the
 * longest and the median checkpoint, how many and their time in all, and the burst's rate with them
 * inside it.
 */
export async function benchCheckpoint(
  options: { events?: number; boundsMegabytes?: readonly number[] } = {},
): Promise<Row[]> {
  const events = options.events ?? 40_000;
  const bounds = options.boundsMegabytes ?? [2, 4, 8, 16, 32];
  const rows: Row[] = [];
  for (const bound of bounds) {
    const folder = mkdtempSync(join(tmpdir(), 'ringside-bench-checkpoint-'));
    try {
      const path = fullPath(folder, () => undefined);
      await path.delivery.start();
      // The bench takes the checkpoints itself, at its own bound.
      path.housekeeper.stop();
      path.store.wal.holdAutomaticCheckpoints(true);
      const times: number[] = [];
      const started = performance.now();
      for (let chunk = 0; chunk < events; chunk += 200) {
        path.batches.run(() => {
          for (let index = chunk; index < chunk + 200; index += 1) {
            path.pipeline.process({ ...streamEvent(index), seq: index + 1, userId });
          }
        });
        if (path.store.wal.bytes() > bound * megabyte) {
          const before = performance.now();
          path.store.wal.checkpoint();
          times.push(performance.now() - before);
        }
        await path.delivery.flush();
      }
      const elapsed = performance.now() - started;
      path.delivery.stop();
      path.store.close();
      rows.push({
        name: `checkpoint at ${bound} MB of WAL: longest`,
        value: round(Math.max(0, ...times)),
        unit: 'ms',
        detail: `${times.length} checkpoints in ${events.toLocaleString('en-US')} events, median ${round(median(times))} ms, ${Math.round(times.reduce((sum, each) => sum + each, 0))} ms in all; the burst ${Math.round(events / (elapsed / 1000))} events/s with them`,
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchCheckpoint()) {
    console.log(`${row.name}: ${row.value} ${row.unit} (${row.detail ?? ''})`);
  }
}
