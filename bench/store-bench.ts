import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Decision, ServiceEvent } from '../common';
import { openStore } from '../main/core/store';
import type { SyncBenchRow } from './sync-bench';

function event(seq: number): ServiceEvent {
  return {
    id: `bench-event-${seq}`,
    seq,
    userId: 'user-bench',
    occurredAt: '2026-11-22T10:00:00Z',
    kind: 'text',
    lineId: 'line-1',
    from: '+14155550100',
    contactName: 'Bench Contact',
    body: 'Hello from the benchmark, a text of ordinary length for a business line.',
  };
}

function decision(eventId: string): Decision {
  return {
    eventId,
    alertType: 'textPersonal',
    lineId: 'line-1',
    deliveries: [
      { channel: 'desktop', destination: null },
      { channel: 'inApp', destination: null },
    ],
    suppressed: [],
  };
}

/**
 * Persisted event throughput: one `recordDecision` transaction per event with the store's
 * default `synchronous = NORMAL` (an event raised alone), bursts of 50 per event transaction (a
 * socket batch), and, for comparison, one durable `store.transaction()` per event (`FULL`, an
 * fsync each: the settings path) — the figures behind the choice in main/core/store/README.md.
 */
export function benchStore(options: { events?: number; fullEvents?: number } = {}): SyncBenchRow[] {
  const events = options.events ?? 5_000;
  const fullEvents = options.fullEvents ?? 300;
  const folder = mkdtempSync(join(tmpdir(), 'ringside-store-bench-'));
  try {
    const store = openStore({ dataDir: folder, userId: 'user-bench' });
    let seq = 0;
    const record = () => {
      seq += 1;
      const item = event(seq);
      store.events.recordDecision(item, decision(item.id), Date.now());
    };
    const run = (count: number, each: () => void): number => {
      const started = performance.now();
      for (let index = 0; index < count; index++) each();
      return count / ((performance.now() - started) / 1000);
    };
    const normal = run(events, record);
    const batched =
      run(events / 50, () =>
        store.eventTransaction(() => {
          for (let index = 0; index < 50; index++) record();
        }),
      ) * 50;
    const full = run(fullEvents, () => store.transaction(record));
    const integrity = store.integrityCheck();
    store.close();
    return [
      {
        name: 'events persisted per second (synchronous = NORMAL, one transaction each)',
        value: Math.round(normal),
        unit: 'events/s',
        detail: `${events} events, one transaction each, integrity ${integrity}`,
      },
      {
        name: 'events persisted per second (NORMAL, 50 per event transaction: a socket batch)',
        value: Math.round(batched),
        unit: 'events/s',
        detail: `${events} events, store.eventTransaction() per 50`,
      },
      {
        name: 'events persisted per second (synchronous = FULL, for comparison)',
        value: Math.round(full),
        unit: 'events/s',
        detail: `${fullEvents} events, store.transaction() each: an fsync each`,
      },
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  for (const row of benchStore()) {
    console.log(`${row.name}: ${row.value} ${row.unit}${row.detail ? ` (${row.detail})` : ''}`);
  }
}
