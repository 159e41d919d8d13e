import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { UserPreferences } from '../common';
import { openDevice, type Device } from '../test/support/sync-device';
import { waitForValue } from '../test/support/wait-for';
import { startService, type RunningService } from '../service';

/** One figure of the sync benchmark (bench/run.ts prints these). */
export interface SyncBenchRow {
  name: string;
  value: number;
  unit: string;
  detail?: string;
}

function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return Number((sorted[index] ?? Number.NaN).toFixed(3));
}

function preferencesOf(device: Device): UserPreferences {
  const snapshot = device.engine.snapshot();
  if (!snapshot) throw new Error('preferences not downloaded');
  return snapshot.preferences;
}

/** The n-th edit: a lead threshold that always differs from the current one. */
function nthEdit(device: Device, index: number): UserPreferences {
  const current = preferencesOf(device);
  return { ...current, leadScoreThreshold: (current.leadScoreThreshold + 1 + (index % 50)) % 101 };
}

async function startFor(folder: string, port?: number): Promise<RunningService> {
  return startService({
    databasePath: join(folder, 'service.sqlite'),
    ...(port === undefined ? {} : { port }),
  });
}

function jordanOf(running: RunningService) {
  const jordan = running.users.find((user) => user.key === 'jordan');
  if (!jordan) throw new Error('no demo user jordan');
  return jordan;
}

/**
 * Settings save → local commit (p50/p99), save → service acknowledgement on loopback (p50/p99),
 * and how many HTTP requests 1,000 offline edits of one user become when the link returns.
 */
export async function benchSync(
  options: { samples?: number; offlineEdits?: number } = {},
): Promise<SyncBenchRow[]> {
  const samples = options.samples ?? 200;
  const offlineEdits = options.offlineEdits ?? 1_000;
  const folder = mkdtempSync(join(tmpdir(), 'ringside-sync-bench-'));
  let running = await startFor(folder);
  const rows: SyncBenchRow[] = [];
  try {
    const jordan = jordanOf(running);
    const device = openDevice({
      baseUrl: running.url,
      token: jordan.token,
      user: { id: jordan.id, role: jordan.role },
      dataDir: join(folder, 'companion'),
    });
    await device.engine.start();

    // 1. Save → local commit: edit() returns once the change is fsynced (synchronous = FULL).
    await device.engine.stop();
    const local: number[] = [];
    for (let index = 0; index < samples; index++) {
      const next = nthEdit(device, index);
      const started = performance.now();
      device.engine.edit(next);
      local.push(performance.now() - started);
    }
    await device.engine.start();
    await device.engine.flush();
    rows.push(
      {
        name: 'settings save → local commit p50',
        value: percentile(local, 0.5),
        unit: 'ms',
        detail: `${samples} edits, fsynced`,
      },
      { name: 'settings save → local commit p99', value: percentile(local, 0.99), unit: 'ms' },
    );

    // 2. Save → service acknowledgement, one edit at a time on loopback.
    const acknowledged: number[] = [];
    for (let index = 0; index < samples; index++) {
      const next = nthEdit(device, index);
      const started = performance.now();
      device.engine.edit(next);
      const status = await device.engine.flush();
      if (status.status !== 'synced') throw new Error(`not synced: ${JSON.stringify(status)}`);
      acknowledged.push(performance.now() - started);
    }
    rows.push(
      {
        name: 'settings save → service ack p50',
        value: percentile(acknowledged, 0.5),
        unit: 'ms',
        detail: `${samples} edits, loopback`,
      },
      {
        name: 'settings save → service ack p99',
        value: percentile(acknowledged, 0.99),
        unit: 'ms',
      },
    );

    // 3. The link goes down, the user makes many edits, the link returns.
    const port = running.port;
    await running.close();
    for (let index = 0; index < offlineEdits; index++) device.engine.edit(nthEdit(device, index));
    await device.engine.flush();
    const pendingOffline = device.store.outbox.count();
    running = await startFor(folder, port);
    const before = { ...device.transport.requests };
    device.engine.retryNow();
    await waitForValue(
      device.engine.status,
      (status) => status.status === 'synced',
      'synced after the link returns',
      60_000,
    );
    const puts = device.transport.requests.put - before.put;
    const gets = device.transport.requests.get - before.get;
    rows.push({
      name: `HTTP requests for ${offlineEdits} offline edits`,
      value: puts + gets,
      unit: 'requests',
      detail: `${puts} PUT + ${gets} GET (outbox held ${pendingOffline} entries)`,
    });
    await device.close();
  } finally {
    await running.close();
    rmSync(folder, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  for (const row of await benchSync()) {
    console.log(`${row.name}: ${row.value} ${row.unit}${row.detail ? ` (${row.detail})` : ''}`);
  }
}
