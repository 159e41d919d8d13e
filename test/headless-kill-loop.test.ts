import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEventKillLoop } from './support/event-kill-loop';
import { startService } from '../service';
import { injectMixedEventFor } from './support/event-kill-loop';
import { cleanupAfterEach } from './support/cleanups';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-kill-loop-');

describe('kill -9 of the headless companion during event processing', () => {
  it('loses no event and repeats at most one pop-up per kill (10 kills)', async () => {
    const folder = temporaryFolder();
    const service = await startService({ databasePath: join(folder, 'service.sqlite') });
    defer(() => service.close());
    const result = await runEventKillLoop({
      serviceUrl: service.url,
      token: 'demo-token-jordan',
      userId: 'user-jordan',
      folder,
      iterations: 10,
      eventsPerIteration: 12,
      inject: injectMixedEventFor(service),
    });
    process.stdout.write(
      `kill loop: ${result.kills} kills, ${result.events} events, ${result.recorded} recorded, ` +
        `${result.lost.length} lost, ${result.pendingPopups} pop-ups owed, ${result.popups} pop-ups, ` +
        `duplicates per kill [${result.duplicatesPerKill.join(', ')}] (total ${result.totalDuplicates})\n`,
    );
    expect(result.kills).toBe(10);
    expect(result.lost).toEqual([]);
    expect(result.pendingPopups).toBe(0);
    expect(Math.max(...result.duplicatesPerKill)).toBeLessThanOrEqual(1);
  }, 180_000);
});
