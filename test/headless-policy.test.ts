import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActivityItem } from '../common';
import { runHeadless, type RunningHeadless } from '../main/headless/run';
import { startService, type RunningService } from '../service';
import { demoUsers } from '../service/seed';
import { cleanupAfterEach } from './support/cleanups';
import { RecordingNotifier } from './support/recording-notifier';
import { injectOverHttp } from './support/service-test-client';
import { createCondition, waitForValue } from './support/wait-for';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-headless-policy-');

async function service(): Promise<RunningService> {
  const running = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
  defer(() => running.close());
  return running;
}

function policyFile(contents: string): string {
  const file = join(temporaryFolder(), 'policy.json');
  writeFileSync(file, contents);
  return file;
}

/** The headless companion in this process, signed in as Jordan, with `--policy <file>`. */
async function headless(running: RunningService, file: string) {
  const stderr: string[] = [];
  const decisions: ActivityItem[] = [];
  const printed = createCondition();
  const started: RunningHeadless | null = await runHeadless(
    [
      '--service-url',
      running.url,
      '--token-stdin',
      '--data-dir',
      temporaryFolder(),
      '--json',
      '--policy',
      file,
    ],
    {},
    {
      stdout: () => undefined,
      stderr: (line) => stderr.push(line),
      readStdin: () => `${demoUsers.jordan.token}\n`,
    },
    { notifier: new RecordingNotifier() },
  );
  if (!started) throw new Error(`did not start: ${stderr.join('\n')}`);
  defer(() => started.stop());
  started.companion.onDecision((item) => {
    decisions.push(item);
    printed.signal();
  });
  return { started, stderr, decisions, printed };
}

const textToJordan = {
  kind: 'text',
  lineId: demoUsers.jordan.personalLineId,
  from: '+14155550123',
  contactName: 'Ann Lee',
  body: 'Is the clinic open?',
};

describe('the headless companion under a managed policy (--policy)', () => {
  it('applies a valid policy: the snapshot holds it locked, and the decision follows it', async () => {
    const running = await service();
    const file = policyFile(JSON.stringify({ lockedSettings: { 'channels.desktop': false } }));
    const { started, stderr, decisions, printed } = await headless(running, file);
    expect(stderr).toContain(`Managed by your organisation (${file}): 1 setting locked`);
    const snapshot = await waitForValue(
      started.companion.preferences,
      (value) => value !== null,
      'preferences downloaded',
    );
    expect(snapshot?.preferences.channels.desktop).toBe(false);
    expect(snapshot?.locks).toContainEqual({
      field: 'channels.desktop',
      value: false,
      source: 'organisation',
      reason: 'Locked by your organisation',
    });
    await waitForValue(started.companion.connection, (state) => state.status === 'connected');
    expect(
      await injectOverHttp(running.url, demoUsers.sam.token, demoUsers.jordan.id, textToJordan),
    ).not.toBeNull();
    await printed.until(() => decisions.length > 0, 'a decision');
    expect(decisions[0]?.decision.suppressed).toContainEqual({
      channel: 'desktop',
      code: 'channelOffByUser',
      explanation: 'Your organisation has turned off desktop notifications',
    });
  });

  it.each([
    { name: 'bad JSON', contents: '{"lockedSettings": ', field: /not valid JSON/ },
    { name: 'an unknown key', contents: '{"autoUpdates": false}', field: /"autoUpdates"/ },
    {
      name: 'a locked path that does not exist',
      contents: '{"lockedSettings": {"channels.desktop.on": false}}',
      field: /"lockedSettings\.channels\.desktop\.on"/,
    },
    {
      name: 'a value of the wrong type',
      contents:
        '{"serviceUrl": "https://elsewhere.example.com", "lockedSettings": {"channels.desktop": "off"}}',
      field: /"lockedSettings\.channels\.desktop"/,
    },
  ])('says on stderr which field of $name is wrong, and starts with no policy', async (example) => {
    const running = await service();
    const file = policyFile(example.contents);
    const { started, stderr } = await headless(running, file);
    const line = stderr.find((each) => each.startsWith('The managed policy in'));
    expect(line).toMatch(example.field);
    expect(line).toContain('Running with no policy applied');
    // None of it applies: the service URL of a half-valid file is not used, no setting is locked.
    await waitForValue(started.companion.connection, (state) => state.status === 'connected');
    const snapshot = await waitForValue(started.companion.preferences, (value) => value !== null);
    expect(snapshot?.locks.filter((lock) => lock.source === 'organisation')).toEqual([]);
    expect(snapshot?.preferences.channels.desktop).toBe(true);
  });
});
