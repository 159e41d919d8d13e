import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../service';
import { runSyncKillLoopAsJordan } from '../../../test/support/sync-kill-loop';

/** Iterations: 20 by default; KILL_LOOP_ITERATIONS raises it (bench/kill-loop-sync.ts runs 50+). */
const iterations = Number(process.env.KILL_LOOP_ITERATIONS ?? 20);

const folder = mkdtempSync(join(tmpdir(), 'ringside-kill-loop-'));
let running: RunningService | null = null;
afterAll(async () => {
  await running?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('kill -9 between local commit and acknowledgement', () => {
  it(
    `applies every edit exactly once over ${iterations} killed runs, with the store intact each time`,
    { timeout: 600_000 },
    async () => {
      running = await startService({ databasePath: join(folder, 'service.sqlite') });
      const report = await runSyncKillLoopAsJordan(running, {
        iterations,
        dataDir: join(folder, 'companion'),
      });
      expect(report).toMatchObject({
        iterations,
        duplicates: 0,
        losses: 0,
        integrityFailures: 0,
        outboxLeft: 0,
      });
      // Exactly one applied PUT per edit: a retry after a kill never applies twice, none is lost.
      expect(report.appliedChanges).toBe(iterations);
      // The loop really killed processes mid-way, and some kills left an edit to recover.
      expect(report.killed).toBeGreaterThan(iterations / 2);
      expect(report.pendingAfterKill).toBeGreaterThan(0);
    },
  );
});
