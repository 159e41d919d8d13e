import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSyncKillLoopAsJordan, type SyncKillLoopReport } from '../test/support/sync-kill-loop';
import { startService } from '../service';

/**
 * The kill -9 loop of main/core/sync/kill-loop.test.ts, run longer:
 * `npx tsx bench/kill-loop-sync.ts --iterations 50`. Prints iterations, kills, duplicates,
 * losses, integrity failures and time; exits 1 when anything was lost, duplicated or corrupt.
 */
export async function benchKillLoop(
  iterations: number,
  log?: (line: string) => void,
): Promise<SyncKillLoopReport> {
  const folder = mkdtempSync(join(tmpdir(), 'ringside-kill-loop-bench-'));
  const running = await startService({ databasePath: join(folder, 'service.sqlite') });
  try {
    return await runSyncKillLoopAsJordan(running, {
      iterations,
      dataDir: join(folder, 'companion'),
      ...(log ? { log } : {}),
    });
  } finally {
    await running.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '50' } } });
  const iterations = Number(values.iterations);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 150) {
    throw new Error(
      '--iterations must be 1–150 (each iteration adds one line id; the list holds 200)',
    );
  }
  const report = await benchKillLoop(iterations, (line) => console.log(line));
  console.log(JSON.stringify(report, null, 2));
  console.log(
    `iterations ${report.iterations}, killed ${report.killed} (edit pending after kill ${report.pendingAfterKill}, ` +
      `of which already applied on the service ${report.appliedButUnacknowledged}), ` +
      `duplicates ${report.duplicates}, losses ${report.losses}, integrity failures ${report.integrityFailures}, ` +
      `outbox left ${report.outboxLeft}, applied PUTs ${report.appliedChanges}, ${(report.milliseconds / 1000).toFixed(1)} s`,
  );
  if (report.duplicates + report.losses + report.integrityFailures + report.outboxLeft > 0)
    process.exitCode = 1;
}
