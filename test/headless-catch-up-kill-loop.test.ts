import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startService } from '../service';
import { runCatchUpKillLoop } from './support/catch-up-kill-loop';
import { cleanupAfterEach } from './support/cleanups';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-catch-up-kill-');

describe('kill -9 of the headless companion during a long catch-up', () => {
  it('20,000 events, 10 kills at random points: 0 in-app items lost, 0 decisions printed twice, 0 pop-ups twice', async () => {
    const folder = temporaryFolder();
    const service = await startService({ databasePath: join(folder, 'service.sqlite') });
    defer(() => service.close());
    const result = await runCatchUpKillLoop({
      service,
      token: 'demo-token-jordan',
      userId: 'user-jordan',
      folder,
      events: 20_000,
      kills: 10,
    });
    process.stdout.write(
      `catch-up kill loop: ${result.kills} kills, ${result.events} events, ${result.recorded} recorded, ` +
        `${result.itemsLost} in-app items lost, ${result.printedTwice} printed twice ` +
        `(${result.neverPrinted} never printed), ${result.popups} pop-ups, ` +
        `${result.popupsTwice} twice, ${result.pendingPopups} still owed\n`,
    );
    expect(result.kills).toBe(10);
    expect(result.recorded).toBe(result.events);
    expect(result.itemsLost).toBe(0);
    expect(result.printedTwice).toBe(0);
    expect(result.popupsTwice).toBe(0);
    expect(result.pendingPopups).toBe(0);
  }, 600_000);
});
