import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, spread, type Row } from './figures';
import { fullPath, streamEvent, userId } from './full-path';
import { endProfileSpan, markProfileSpan } from './profile';

/**
 * The cost of one event with the product's defaults (the in-app list on) when `unread` items are
 * already unread: the full pipeline, one event per batch (as live events come), `events` of them
 * after `unread` items were listed. Target: flat (the unread count is a maintained counter).
 */
async function perEventCost(unread: number, events: number): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'ringside-bench-unread-'));
  try {
    const path = fullPath(folder, () => undefined);
    await path.delivery.start();
    const now = Date.now();
    for (let chunk = 0; chunk < unread; chunk += 5_000) {
      path.store.eventTransaction(() => {
        for (let index = chunk; index < Math.min(unread, chunk + 5_000); index += 1) {
          path.store.notifications.add({
            id: `old-${index}`,
            eventId: `old-${index}`,
            title: 'An older text',
            body: 'Unread',
            createdAt: now - 1_000,
            read: false,
            quietReason: null,
          });
        }
      });
    }
    const offset = 10_000_000;
    // Warm-up, then measured: each event its own batch, its pop-ups and marks settled between.
    const feed = async (from: number, to: number) => {
      for (let index = from; index < to; index += 1) {
        path.batches.run(() =>
          path.pipeline.process({ ...streamEvent(offset + index), seq: index + 1, userId }),
        );
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await feed(0, 200);
    // A profiled round (bench/profile.ts) is summarised over these events too, filling aside.
    const span = `the events measured at ${unread.toLocaleString('en-US')} unread`;
    markProfileSpan(span);
    const started = performance.now();
    await feed(200, 200 + events);
    const milliseconds = (performance.now() - started) / events;
    endProfileSpan(span);
    await path.delivery.flush();
    path.delivery.stop();
    path.store.close();
    return milliseconds;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export async function benchUnreadCost(rounds: number, events = 1_000): Promise<Row[]> {
  const sizes = [1_000, 10_000, 100_000];
  const costs = new Map<number, number[]>(sizes.map((size) => [size, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const size of sizes) costs.get(size)?.push(await perEventCost(size, events));
  }
  const rows: Row[] = sizes.map((size) => ({
    name: `per-event cost at ${size.toLocaleString('en-US')} unread`,
    value: Number(median(costs.get(size) ?? []).toFixed(3)),
    unit: 'ms',
    detail: spread(costs.get(size) ?? [], 3),
  }));
  const ratios = (costs.get(100_000) ?? []).map(
    (cost, index) => cost / (costs.get(1_000)?.[index] ?? Number.NaN),
  );
  const ratio = median(ratios);
  rows.push({
    name: 'per-event cost 100,000 / 1,000 unread',
    value: Number(ratio.toFixed(2)),
    unit: '×',
    detail: spread(ratios),
    target: '≤ 1.25 × (flat)',
    met: ratio <= 1.25,
  });
  return rows;
}
