import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runKillLoop } from '../main/headless/kill-loop';
import { startService } from '../service';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('kill -9 of the headless companion during event processing', () => {
  it('loses no event and repeats at most one pop-up per kill (10 kills)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ringside-kill-loop-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const service = await startService({ databasePath: join(folder, 'service.sqlite') });
    cleanups.push(() => service.close());
    const lines = ['line-jordan', 'line-support'];
    const result = await runKillLoop({
      serviceUrl: service.url,
      token: 'demo-token-jordan',
      userId: 'user-jordan',
      folder,
      iterations: 10,
      eventsPerIteration: 12,
      inject: (index) => {
        const [event] = service.inject('user-jordan', {
          kind: index % 3 === 0 ? 'voicemail' : 'text',
          lineId: lines[Math.abs(index) % 2],
          from: `+1415555${String(1000 + (Math.abs(index) % 9000)).padStart(4, '0')}`,
          contactName: null,
          ...(index % 3 === 0
            ? { durationSeconds: 12, transcript: `Voicemail ${index}` }
            : { body: `Text ${index}` }),
        });
        if (!event) throw new Error('The service stored no event');
        return Promise.resolve(event.id);
      },
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
