import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startService } from '../service';
import { cleanupAfterEach } from './support/cleanups';
import { faultFigures, outboxOf, printFigures, startHarness } from './support/companion-harness';
import { ManualClock } from './support/manual-clock';
import { waitForValue } from './support/wait-for';

const jordan = { id: 'user-jordan', token: 'demo-token-jordan' };
const { defer, temporaryFolder } = cleanupAfterEach('ringside-disk-full-');

/**
 * A 2 MiB tmpfs for the companion's data, where the tests run as root (CI does); null, with
 * the reason, where mounting is refused: the same fault is then played through the store port.
 */
function smallDisk(): { folder: string; refused: string | null } {
  const folder = temporaryFolder();
  if (process.getuid?.() !== 0) return { folder, refused: 'the tests do not run as root' };
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', folder], { stdio: 'pipe' });
  } catch (error) {
    return { folder, refused: `mount was refused (${String(error).split('\n')[0]})` };
  }
  defer(() => execFileSync('umount', [folder], { stdio: 'pipe' }));
  return { folder, refused: null };
}

/** Fills the disk under `folder` to the last byte; returns the filler's path. */
function fill(folder: string): string {
  const path = join(folder, 'filler');
  const descriptor = openSync(path, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) {
      try {
        writeSync(descriptor, chunk);
      } catch {
        // ENOSPC: full. Smaller pieces take the last bytes.
        if (chunk.length === 1) break;
        return fillRest(descriptor, path);
      }
    }
  } finally {
    closeSync(descriptor);
  }
  return path;
}

function fillRest(descriptor: number, path: string): string {
  const byte = Buffer.alloc(512, 1);
  for (;;) {
    try {
      writeSync(descriptor, byte);
    } catch {
      return path;
    }
  }
}

function text(index: number) {
  return {
    kind: 'text',
    lineId: 'line-jordan',
    from: `+1415555${String(1000 + index).padStart(4, '0')}`,
    contactName: null,
    // Long bodies: the write-ahead log must grow, which the full disk refuses.
    body: `Message ${index} `.padEnd(1_500, '.'),
  };
}

describe('a full disk', () => {
  it('holds every event while the disk is full, and records and shows each once when space returns', async () => {
    const service = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
    defer(() => service.close());
    const disk = smallDisk();
    if (disk.refused) {
      process.stdout.write(`full disk: ${disk.refused}; played through the store port instead\n`);
    }
    const dataDir = join(disk.folder, 'companion');
    mkdirSync(dataDir);
    const clock = new ManualClock(Date.now());
    const harness = startHarness({
      dataDir,
      serviceUrl: service.url,
      token: jordan.token,
      clock,
      backoff: { initialMilliseconds: 20, maximumMilliseconds: 200 },
      coalesceWindowMilliseconds: 1_000,
    });
    defer(() => harness.companion.stop());
    await harness.companion.start();
    await waitForValue(harness.companion.connection, (state) => state.status === 'connected');
    const store = harness.store();

    const filler = disk.refused ? null : fill(disk.folder);
    if (disk.refused) store.failUntilCleared('SQLITE_FULL');
    const ids: string[] = [];
    // Events keep coming until the disk refuses them (the log may still have room for a few).
    for (let index = 0; index < 600 && ids.length < 600; index += 1) {
      for (const event of service.inject(jordan.id, text(index))) ids.push(event.id);
      if (index % 20 === 19) {
        await harness.changed.until(
          () => harness.noticesSeen.includes('diskFull') || ids.every((id) => store.events.has(id)),
          'the batch written or refused',
        );
        if (harness.noticesSeen.includes('diskFull')) break;
      }
    }
    await waitForValue(
      harness.companion.health,
      (notices) => notices.some((notice) => notice.code === 'diskFull'),
      'the disk-full notice',
    );
    // A few more while it is full: they wait behind the held batch.
    for (let index = 1_000; index < 1_020; index += 1) {
      for (const event of service.inject(jordan.id, text(index))) ids.push(event.id);
    }
    const heldAtFull = ids.filter((id) => !store.events.has(id));
    expect(heldAtFull.length).toBeGreaterThanOrEqual(20);
    // Nothing held was told or shown, and the cursor stayed before it.
    expect(heldAtFull.filter((id) => harness.decisions.has(id))).toEqual([]);
    const lastSeq = store.events.lastSeq();
    expect(ids.slice(0, lastSeq).every((id) => store.events.has(id))).toBe(true);

    // Space returns.
    if (filler) unlinkSync(filler);
    else store.clear();
    while (!ids.every((id) => store.events.has(id))) {
      const commits = store.commits;
      // Past the longest wait between attempts (30 s).
      clock.advance(30_000);
      await harness.changed.until(
        () => ids.every((id) => store.events.has(id)) || store.commits > commits,
        'a held batch written',
      );
    }
    clock.advance(5_000);
    await harness.changed.until(
      () => ids.every((id) => harness.decisions.has(id)),
      'every decision told',
    );
    expect(harness.companion.health.get().filter((notice) => notice.code === 'diskFull')).toEqual(
      [],
    );
    const figures = faultFigures(harness, ids, await outboxOf(service, jordan.token));
    printFigures(
      `full disk (${disk.refused ? 'store port' : '2 MiB tmpfs'}, ${heldAtFull.length} held while full)`,
      figures,
    );
    expect(figures).toMatchObject({ in: ids.length, recorded: ids.length, lost: 0, twice: 0 });
    expect(figures.shown).toBe(ids.length);
    // Every held event is in the in-app list, once.
    const listed = await harness.companion.listNotifications({ limit: 1000 });
    const listedIds = listed.map((item) => item.eventId);
    expect(heldAtFull.filter((id) => listedIds.includes(id))).toHaveLength(heldAtFull.length);
    expect(new Set(listedIds).size).toBe(listedIds.length);
  }, 120_000);
});
