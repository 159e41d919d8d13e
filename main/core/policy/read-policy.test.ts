import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../../../test/support/cleanups';
import { policyNotices } from './policy-notices';
import { readManagedPolicy, type CommandResult, type CommandRunner } from './read-policy';
import { parseRegQuery, policyFromRegistry } from './windows-registry';

const { temporaryFolder } = cleanupAfterEach('ringside-policy-');

/** Hand-written in the tools' documented layouts, not captured output: see fixtures/README.md. */
const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

function writePolicy(contents: string): string {
  const file = path.join(temporaryFolder(), 'policy.json');
  writeFileSync(file, contents);
  return file;
}

/** A command runner that answers one recorded result and remembers what it was asked. */
function answering(result: CommandResult): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = (file: string, args: readonly string[]) => {
    calls.push([file, ...args]);
    return Promise.resolve(result);
  };
  return Object.assign(run, { calls });
}

describe('the Linux policy file (a real file, through the --policy path)', () => {
  it('applies a valid file whole', async () => {
    const file = writePolicy(
      JSON.stringify({
        serviceUrl: 'https://phones.example.com',
        lockedSettings: { 'channels.desktop': true },
        updates: { channel: 'stable' },
      }),
    );
    const reading = await readManagedPolicy({ platform: 'linux', appId: 'x', file });
    expect(reading).toEqual({
      status: 'applied',
      source: file,
      policy: {
        serviceUrl: 'https://phones.example.com',
        lockedSettings: { 'channels.desktop': true },
        updates: { channel: 'stable' },
      },
    });
    expect(policyNotices(reading)).toEqual([
      {
        code: 'managedPolicy',
        message: `Managed by your organisation (${file}): service https://phones.example.com; 1 setting locked; updates from the stable channel`,
      },
    ]);
  });

  it.each([
    { name: 'bad JSON', contents: '{"serviceUrl": ', field: '', message: /not valid JSON/ },
    {
      name: 'an unknown key',
      contents: '{"lockedSettings": {}, "telemetry": false}',
      field: 'telemetry',
      message: /Unknown key "telemetry"/,
    },
    {
      name: 'a locked path that does not exist',
      contents: '{"lockedSettings": {"channels.pager": true}}',
      field: 'lockedSettings.channels.pager',
      message: /No preference "channels.pager" exists/,
    },
    {
      name: 'a value of the wrong type',
      contents: '{"lockedSettings": {"fisherMode": "on"}}',
      field: 'lockedSettings.fisherMode',
      message: /boolean/,
    },
  ])('refuses $name, naming the field, and applies none of it', async (example) => {
    const file = writePolicy(example.contents);
    const reading = await readManagedPolicy({ platform: 'linux', appId: 'x', file });
    expect(reading.status).toBe('invalid');
    if (reading.status !== 'invalid') return;
    expect(reading.problem.field).toBe(example.field);
    expect(reading.problem.message).toMatch(example.message);
    const [notice] = policyNotices(reading);
    expect(notice?.code).toBe('policyInvalid');
    expect(notice?.message).toContain(file);
    expect(notice?.message).toContain('Running with no policy applied');
    if (example.field !== '') expect(notice?.message).toContain(`"${example.field}"`);
  });

  it('a --policy path that does not exist is an error; the default place missing is no policy', async () => {
    const file = path.join(temporaryFolder(), 'missing.json');
    const reading = await readManagedPolicy({ platform: 'linux', appId: 'x', file });
    expect(reading).toMatchObject({ status: 'invalid', problem: { message: /does not exist/ } });
  });
});

describe('the Windows registry (reg query output, from fixtures)', () => {
  it('reads values and the LockedSettings subkey into one policy', async () => {
    const run = answering({ exitCode: 0, stdout: fixture('reg-query-valid.txt'), stderr: '' });
    const reading = await readManagedPolicy({ platform: 'win32', appId: 'x', run });
    expect(run.calls).toEqual([['reg.exe', 'query', 'HKLM\\Software\\Policies\\Ringside', '/s']]);
    expect(reading).toEqual({
      status: 'applied',
      source: 'HKLM\\Software\\Policies\\Ringside',
      policy: {
        serviceUrl: 'https://phones.example.com',
        launchAtLogin: true,
        updates: { channel: 'beta' },
        lockedSettings: {
          // A DWORD 0 on a switch is off; on a number it is the number.
          'channels.text.enabled': false,
          leadScoreThreshold: 70,
          timeZone: 'Europe/Paris',
          'quietHours.breakThrough': ['paymentFailed', 'callPersonal'],
        },
      },
    });
  });

  it('names a wrong value by its field', async () => {
    const run = answering({ exitCode: 0, stdout: fixture('reg-query-wrong-type.txt'), stderr: '' });
    const reading = await readManagedPolicy({ platform: 'win32', appId: 'x', run });
    expect(reading).toMatchObject({
      status: 'invalid',
      problem: { field: 'lockedSettings.channels.desktop' },
    });
  });

  it('no key is no policy; another failure is reported', async () => {
    const missing = answering({
      exitCode: 1,
      stdout: '',
      stderr: fixture('reg-query-missing.stderr.txt'),
    });
    expect(await readManagedPolicy({ platform: 'win32', appId: 'x', run: missing })).toEqual({
      status: 'none',
    });
    const denied = answering({ exitCode: 1, stdout: '', stderr: 'ERROR: Access is denied.' });
    expect(await readManagedPolicy({ platform: 'win32', appId: 'x', run: denied })).toMatchObject({
      status: 'invalid',
      problem: { message: /Access is denied/ },
    });
  });

  it('an unknown subkey is named like an unknown key', () => {
    const keys = parseRegQuery(
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\Ringside\r\n\r\nHKEY_LOCAL_MACHINE\\Software\\Policies\\Ringside\\Telemetry\r\n    on    REG_DWORD    0x1\r\n',
    );
    expect(policyFromRegistry(keys)).toEqual({ Telemetry: {} });
  });
});

describe('macOS managed preferences (plutil output, from fixtures)', () => {
  const appId = 'com.ringside.companion';
  const file = '/Library/Managed Preferences/com.ringside.companion.plist';

  it('reads the managed plist of the app domain, leaving out the MDM payload keys', async () => {
    const run = answering({ exitCode: 0, stdout: fixture('plutil-managed.json'), stderr: '' });
    const exists = (candidate: string) => Promise.resolve(candidate === file);
    const reading = await readManagedPolicy({ platform: 'darwin', appId, run, exists });
    expect(run.calls).toEqual([['/usr/bin/plutil', '-convert', 'json', '-o', '-', file]]);
    expect(reading).toEqual({
      status: 'applied',
      source: file,
      policy: {
        serviceUrl: 'https://phones.example.com',
        launchAtLogin: true,
        updates: 'off',
        lockedSettings: { 'channels.desktop': true, 'alertChannels.mention.email': false },
      },
    });
  });

  it('names an unknown key; no plist is no policy; an unreadable one is reported', async () => {
    const exists = () => Promise.resolve(true);
    const unknown = answering({
      exitCode: 0,
      stdout: fixture('plutil-unknown-key.json'),
      stderr: '',
    });
    expect(
      await readManagedPolicy({ platform: 'darwin', appId, run: unknown, exists }),
    ).toMatchObject({
      status: 'invalid',
      problem: { field: 'serviceURL', message: /Unknown key/ },
    });
    const none = answering({ exitCode: 0, stdout: '', stderr: '' });
    const absent = () => Promise.resolve(false);
    expect(
      await readManagedPolicy({ platform: 'darwin', appId, run: none, exists: absent }),
    ).toEqual({ status: 'none' });
    expect(none.calls).toEqual([]);
    const broken = answering({ exitCode: 1, stdout: '', stderr: 'Property List error: bad' });
    expect(
      await readManagedPolicy({ platform: 'darwin', appId, run: broken, exists }),
    ).toMatchObject({ status: 'invalid', problem: { message: /Property List error/ } });
  });
});
