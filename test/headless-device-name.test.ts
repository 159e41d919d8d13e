import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSystemClock } from '../main/core/ports';
import { runHeadless } from '../main/headless/run';
import { startService } from '../service';
import { demoUsers } from '../service/seed';
import { cleanupAfterEach } from './support/cleanups';
import { startHarness } from './support/companion-harness';
import { RecordingNotifier } from './support/recording-notifier';
import { createCondition, waitForValue } from './support/wait-for';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-headless-device-name-');

describe('headless --device-name and the change notice (issue 14 §6)', () => {
  it('prints a change made on another device on stderr, and names itself to the others', async () => {
    const running = await startService({
      databasePath: join(temporaryFolder(), 'service.sqlite'),
    });
    defer(() => running.close());
    const stderr: string[] = [];
    const said = createCondition();
    const headless = await runHeadless(
      [
        '--service-url',
        running.url,
        '--token-stdin',
        '--data-dir',
        temporaryFolder(),
        '--device-name',
        'headless-box',
      ],
      {},
      {
        stdout: () => undefined,
        stderr: (line) => {
          stderr.push(line);
          said.signal();
        },
        readStdin: () => `${demoUsers.jordan.token}\n`,
      },
      { notifier: new RecordingNotifier() },
    );
    if (!headless) throw new Error(`did not start: ${stderr.join('\n')}`);
    defer(() => headless.stop());
    const laptop = startHarness({
      dataDir: temporaryFolder(),
      serviceUrl: running.url,
      token: demoUsers.jordan.token,
      clock: createSystemClock(),
      deviceName: 'laptop',
    });
    defer(() => laptop.companion.stop());
    await laptop.companion.start();
    await waitForValue(headless.companion.connection, (state) => state.status === 'connected');
    await waitForValue(laptop.companion.connection, (state) => state.status === 'connected');

    await laptop.companion.setDoNotDisturb({ duration: 'oneHour' });
    await said.until(
      () => stderr.includes('Do not disturb was turned on from laptop'),
      'the sentence on stderr',
    );

    await headless.companion.setDoNotDisturb({ duration: null });
    const seen = await waitForValue(
      laptop.companion.preferences,
      (snapshot) => snapshot?.deviceChange !== undefined,
      'the headless change reaches the laptop',
    );
    expect(seen?.deviceChange?.sentences).toEqual([
      'Do not disturb was turned off from headless-box',
    ]);
  });
});
