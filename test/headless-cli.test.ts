import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActivityItem } from '../common';
import { projectRoot, spawnHeadless } from './support/headless-child';
import { OptionsError, parseHeadlessOptions } from '../main/headless/options';
import { decisionLine, formatDecision } from '../main/headless/printer';
import { timesLabel } from '../main/headless/clock';
import { recordingNotifierFrom } from '../main/headless/run';
import { spawn } from 'node:child_process';
import { cleanupAfterEach } from './support/cleanups';

const { temporaryFolder } = cleanupAfterEach('ringside-headless-cli-');

/** For options that must not read standard input: reading it fails the test. */
const noStdin = {
  readStdin(): string {
    throw new Error('standard input is read only for --token-stdin');
  },
};

function configFile(content: string): string {
  const folder = temporaryFolder();
  const path = join(folder, 'config.json');
  writeFileSync(path, content);
  return path;
}

const item: ActivityItem = {
  eventId: 'ev-1',
  kind: 'call',
  title: "Incoming call on Jordan's line",
  body: 'Ann Lee · +1 415 555 0123',
  occurredAt: '2026-11-20T10:00:00.000Z',
  decidedAt: Date.parse('2026-11-20T10:00:01.000Z'),
  decision: {
    eventId: 'ev-1',
    alertType: 'callPersonal',
    lineId: 'line-jordan',
    deliveries: [{ channel: 'desktop', destination: null }],
    suppressed: [
      { channel: 'text', code: 'channelOffByUser', explanation: 'You turned texts off.' },
    ],
  },
  channels: [
    { channel: 'desktop', status: 'shown' },
    { channel: 'email', status: 'sent', outboxId: 7, destination: 'jordan@example.com' },
    {
      channel: 'text',
      status: 'notSent',
      code: 'channelOffByUser',
      explanation: 'You turned texts off.',
    },
  ],
};

describe('headless options', () => {
  it('takes flags over environment over the config file', () => {
    const path = configFile(
      JSON.stringify({ serviceUrl: 'http://127.0.0.1:1/', token: 'from-file', json: true }),
    );
    const fromFile = parseHeadlessOptions(['--config', path], {}, noStdin);
    expect(fromFile).toMatchObject({
      serviceUrl: 'http://127.0.0.1:1/',
      token: 'from-file',
      json: true,
    });
    const fromEnvironment = parseHeadlessOptions(
      ['--config', path],
      { RINGSIDE_TOKEN: 'from-env' },
      noStdin,
    );
    expect(fromEnvironment).toMatchObject({ token: 'from-env' });
    const fromFlag = parseHeadlessOptions(
      ['--config', path, '--token', 'from-flag', '--no-demo'],
      { RINGSIDE_TOKEN: 'from-env' },
      noStdin,
    );
    expect(fromFlag).toMatchObject({ token: 'from-flag', demo: false });
  });

  it('refuses a bad config file, a URL without a token, and unknown flags with clear words', () => {
    expect(() =>
      parseHeadlessOptions(['--config', configFile('{"servceUrl": 1}')], {}, noStdin),
    ).toThrow(/config file .* is invalid: servceUrl: Unknown field/);
    expect(() => parseHeadlessOptions(['--config', configFile('{nope')], {}, noStdin)).toThrow(
      /is not valid JSON/,
    );
    expect(() =>
      parseHeadlessOptions(['--service-url', 'http://127.0.0.1:4310'], {}, noStdin),
    ).toThrow(/no token/);
    expect(() => parseHeadlessOptions(['--service-url', 'ftp://x'], {}, noStdin)).toThrow(
      OptionsError,
    );
    expect(() => parseHeadlessOptions(['--frobnicate'], {}, noStdin)).toThrow(OptionsError);
  });
});

describe('headless printer', () => {
  it('prints what happened on each channel, readable or JSON with reason codes (explanations with --explain)', () => {
    const utc = { explain: false, timeZone: 'UTC' };
    expect(formatDecision(item, utc)).toMatch(
      /^10:00:01 call +Incoming call on Jordan's line — Ann Lee · \+1 415 555 0123 → desktop shown, email sent to jordan@example.com \(outbox 7\) · not: text notSent \(channelOffByUser\)$/,
    );
    expect(formatDecision(item, { ...utc, explain: true })).toContain(
      '    text: You turned texts off.',
    );
    expect(formatDecision(item, { ...utc, updated: true })).toMatch(/^updated /);
    expect(decisionLine(item, utc)).toEqual({
      eventId: 'ev-1',
      decidedAt: '2026-11-20T10:00:01.000+00:00',
      type: 'call',
      alertType: 'callPersonal',
      lineId: 'line-jordan',
      title: "Incoming call on Jordan's line",
      body: 'Ann Lee · +1 415 555 0123',
      deliveries: [
        { channel: 'desktop', status: 'shown', destination: null },
        { channel: 'email', status: 'sent', destination: 'jordan@example.com', outboxId: 7 },
      ],
      suppressed: [{ channel: 'text', status: 'notSent', code: 'channelOffByUser' }],
    });
    expect(decisionLine(item, { ...utc, explain: true }).suppressed[0]?.explanation).toBe(
      'You turned texts off.',
    );
    expect(decisionLine(item, { ...utc, updated: true }).updated).toBe(true);
  });

  it("prints every time on the user's clock, whatever the machine's zone, and names whose it is", () => {
    const angeles = { explain: false, timeZone: 'America/Los_Angeles', person: 'Jordan' };
    // 10:00:01 UTC is 02:00:01 in Los Angeles (standard time) and 19:00:01 in Tokyo.
    expect(formatDecision(item, angeles)).toMatch(/^02:00:01 Jordan +call +Incoming call/);
    expect(decisionLine(item, angeles)).toMatchObject({
      person: 'Jordan',
      decidedAt: '2026-11-20T02:00:01.000-08:00',
    });
    expect(decisionLine(item, { ...angeles, timeZone: 'Asia/Tokyo' }).decidedAt).toBe(
      '2026-11-20T19:00:01.000+09:00',
    );
    expect(Date.parse(decisionLine(item, angeles).decidedAt)).toBe(item.decidedAt);
    // Summer time: the offset is the one at that instant.
    const summer = { ...item, decidedAt: Date.parse('2026-07-01T12:00:00.250Z') };
    expect(decisionLine(summer, angeles).decidedAt).toBe('2026-07-01T05:00:00.250-07:00');
    expect(timesLabel('America/Los_Angeles', null)).toBe('Times are in America/Los_Angeles');
  });
});

describe('the pop-up recorder test hook', () => {
  it('records pop-ups to the file only with RINGSIDE_TEST_HOOKS=1, and says when it ignores it', async () => {
    const folder = temporaryFolder();
    const record = join(folder, 'popups.jsonl');
    const said: string[] = [];
    expect(recordingNotifierFrom({}, (line) => said.push(line))).toBeNull();
    expect(said).toEqual([]);
    expect(
      recordingNotifierFrom({ RINGSIDE_NOTIFIER_RECORD: record }, (line) => said.push(line)),
    ).toBeNull();
    expect(said).toEqual([
      'RINGSIDE_NOTIFIER_RECORD is a test hook: ignored without RINGSIDE_TEST_HOOKS=1.',
    ]);
    expect(existsSync(record)).toBe(false);
    const recorder = recordingNotifierFrom(
      { RINGSIDE_TEST_HOOKS: '1', RINGSIDE_NOTIFIER_RECORD: record },
      (line) => said.push(line),
    );
    await recorder?.show({ itemId: 'ev-1', title: 'Incoming call', body: 'Ann Lee' });
    expect(readFileSync(record, 'utf8')).toContain('"itemId":"ev-1"');
    expect(said).toHaveLength(1);
  });
});

describe('headless processes', () => {
  it('exits with code 2 and a sentence when there is no service and no demo', async () => {
    const child = spawnHeadless(['--no-demo'], {
      RINGSIDE_SERVICE_URL: '',
      RINGSIDE_TOKEN: '',
    });
    expect(await child.exited).toBe(2);
    expect(child.stderr.join('\n')).toMatch(/No service configured/);
  });

  it('npm start says in ONE line why Electron cannot start, then runs the headless companion', async () => {
    const launcher = spawn(process.execPath, ['--import', 'tsx', 'main/launcher.ts', '--no-demo'], {
      cwd: projectRoot,
      env: { ...process.env, RINGSIDE_SERVICE_URL: '', RINGSIDE_TOKEN: '' },
    });
    let stderr = '';
    launcher.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => launcher.once('exit', resolve));
    const lines = stderr
      .split('\n')
      .filter((line) => line.startsWith('Electron cannot start here'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/; running the headless companion\.$/);
    expect(stderr).toMatch(/No service configured/);
    expect(code).toBe(2);
  });
});
