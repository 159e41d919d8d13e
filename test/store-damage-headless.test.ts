import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, storePathFor } from '../main/core/store';
import { startService, type RunningService } from '../service';
import { cleanupAfterEach } from './support/cleanups';
import { startHarness } from './support/companion-harness';
import { damages, fillStore, holdExclusiveLock } from './support/damaged-store';
import { spawnHeadless } from './support/headless-child';
import { ManualClock } from './support/manual-clock';
import { waitForValue } from './support/wait-for';

const jordan = { id: 'user-jordan', token: 'demo-token-jordan' };
const { defer, temporaryFolder } = cleanupAfterEach('ringside-store-damage-headless-');
const inUse = 'Another copy of Ringside is using this profile';

async function serviceIn(folder: string): Promise<RunningService> {
  const service = await startService({ databasePath: join(folder, 'service.sqlite') });
  defer(() => service.close());
  return service;
}

/** Jordan's store as a companion leaves it: items and pending edits in it, closed. */
function jordansStore(dataDir: string): string {
  const store = openStore({ dataDir, userId: jordan.id });
  fillStore(store, { items: 100, edits: 1 });
  store.close();
  return storePathFor(dataDir, jordan.id);
}

/** No line of a stack trace, and no uncaught error's name. */
function expectNoStackTrace(lines: readonly string[]): void {
  expect(lines.filter((line) => /^\s+at |Error:|node:internal/u.test(line))).toEqual([]);
}

describe('the headless companion on a damaged or held database (a child process)', () => {
  it('damaged: the sentence on stderr, a fresh store refilled, exit status 0, no stack trace', async () => {
    const folder = temporaryFolder();
    const service = await serviceIn(folder);
    const dataDir = join(folder, 'companion');
    const path = jordansStore(dataDir);
    damages.garbage(path);
    const damagedBytes = readFileSync(path);
    const companion = spawnHeadless(
      ['--service-url', service.url, '--data-dir', dataDir, '--json'],
      { RINGSIDE_TOKEN: jordan.token },
    );
    defer(() => companion.kill());
    const sentence = await companion.waitForLine(
      'stderr',
      (line) => line.startsWith("Ringside's local database was damaged"),
      'the damage sentence',
    );
    expect(sentence).toMatch(
      /^Ringside's local database was damaged \(the file is not a database\), so it was set aside as ringside\.damaged-[0-9T-]+Z\.sqlite and a fresh one is being filled from the service; any settings changes made offline could not be recovered\.$/u,
    );
    await companion.waitForLine('stderr', (line) => line.startsWith('Connected'), 'connected');
    // The refill: an event sent now is decided and printed, on the fresh store.
    const [event] = service.inject(jordan.id, {
      kind: 'text',
      lineId: 'line-jordan',
      from: '+14155551000',
      contactName: null,
      body: 'After the damage',
    });
    await companion.waitForLine(
      'stdout',
      (line) => line.includes(event?.id ?? 'no event'),
      'the new event printed',
    );
    const moved = readdirSync(dirname(path)).filter((name) => name.includes('.damaged-'));
    expect(moved).toHaveLength(1);
    expect(readFileSync(join(dirname(path), moved[0] ?? '')).equals(damagedBytes)).toBe(true);
    companion.child.kill('SIGTERM');
    expect(await companion.exited).toBe(0);
    // Said once (the log line is a warning: not printed at the default level).
    expect(companion.stderr.filter((line) => line === sentence)).toHaveLength(1);
    expectNoStackTrace(companion.stderr);
  }, 60_000);

  it('held by another process: says so, moves nothing, exit status 0, no stack trace', async () => {
    const folder = temporaryFolder();
    const service = await serviceIn(folder);
    const dataDir = join(folder, 'companion');
    const path = jordansStore(dataDir);
    const before = readFileSync(path);
    const lock = holdExclusiveLock(path);
    defer(() => lock.release());
    const companion = spawnHeadless(['--service-url', service.url, '--data-dir', dataDir], {
      RINGSIDE_TOKEN: jordan.token,
    });
    defer(() => companion.kill());
    await companion.waitForLine('stderr', (line) => line === inUse, 'the in-use sentence');
    await companion.waitForLine('stderr', (line) => line === `Offline: ${inUse}`, 'offline');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dirname(path)).filter((name) => name.includes('.damaged-'))).toEqual([]);
    companion.child.kill('SIGTERM');
    expect(await companion.exited).toBe(0);
    expectNoStackTrace(companion.stderr);
  }, 60_000);
});

describe('a companion whose profile another process holds', () => {
  it('says so in one sentence, moves nothing, and opens the profile once it is let go', async () => {
    const folder = temporaryFolder();
    const service = await serviceIn(folder);
    const dataDir = join(folder, 'companion');
    const path = jordansStore(dataDir);
    const before = readFileSync(path);
    const lock = holdExclusiveLock(path);
    defer(() => lock.release());
    const clock = new ManualClock(Date.now());
    const harness = startHarness({
      dataDir,
      serviceUrl: service.url,
      token: jordan.token,
      clock,
      coalesceWindowMilliseconds: 0,
    });
    defer(() => harness.companion.stop());
    await harness.companion.start();
    expect(harness.companion.health.get()).toEqual([{ code: 'profileInUse', message: inUse }]);
    expect(harness.companion.connection.get()).toMatchObject({ status: 'offline', reason: inUse });
    expect(harness.logged(inUse)).toHaveLength(1);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dirname(path)).filter((name) => name.includes('.damaged-'))).toEqual([]);

    lock.release();
    clock.advance(30_000);
    await waitForValue(harness.companion.connection, (state) => state.status === 'connected');
    expect(harness.companion.health.get()).toEqual([]);
    // The store it had (its in-app items), not a fresh one.
    const items = await harness.companion.listNotifications({ limit: 200 });
    expect(items.map((item) => item.id)).toContain('item-0');
  }, 60_000);
});
