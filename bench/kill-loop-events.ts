import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runEventKillLoop } from '../test/support/event-kill-loop';
import { startService } from '../service';
import { injectMixedEventFor } from '../test/support/event-kill-loop';

/**
 * The kill -9 loop of test/headless-kill-loop.test.ts, run longer:
 * `npx tsx bench/kill-loop-events.ts --iterations 50 --events 20`. Kills the headless companion
 * (a child process) while it processes events, restarts it, and prints kills, events, losses,
 * pop-ups still owed and duplicate pop-ups per kill; exits 1 when an event was lost, a pop-up is
 * still owed, or a kill cost more than one duplicate pop-up.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '30' },
      events: { type: 'string', default: '20' },
    },
  });
  const iterations = Number(values.iterations);
  const eventsPerIteration = Number(values.events);
  const folder = mkdtempSync(join(tmpdir(), 'ringside-kill-loop-events-'));
  const service = await startService({ databasePath: join(folder, 'service.sqlite') });
  const started = Date.now();
  try {
    const result = await runEventKillLoop({
      serviceUrl: service.url,
      token: 'demo-token-jordan',
      userId: 'user-jordan',
      folder,
      iterations,
      eventsPerIteration,
      log: (line) => process.stderr.write(`${line}\n`),
      inject: injectMixedEventFor(service),
    });
    const worst = Math.max(0, ...result.duplicatesPerKill);
    process.stdout.write(
      [
        `kills                      ${result.kills}`,
        `events injected            ${result.events}`,
        `events recorded            ${result.recorded}`,
        `events lost                ${result.lost.length}`,
        `pop-ups still owed         ${result.pendingPopups}`,
        `pop-ups shown              ${result.popups}`,
        `duplicate pop-ups          ${result.totalDuplicates} (worst kill: ${worst})`,
        `duplicates per kill        ${(result.totalDuplicates / Math.max(1, result.kills)).toFixed(3)}`,
        `time                       ${((Date.now() - started) / 1000).toFixed(1)} s`,
      ].join('\n') + '\n',
    );
    if (result.lost.length > 0 || result.pendingPopups > 0 || worst > 1) process.exitCode = 1;
  } finally {
    await service.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
