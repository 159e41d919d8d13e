import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { hasPosixModes } from '../private-files';
import {
  DBVersionFromFutureError,
  latestVersion,
  openOrRecoverStore,
  openStore,
  StoreDamagedError,
  StoreLockedError,
  storePathFor,
  type Store,
} from './index';
import {
  addUnreadableEdit,
  damages,
  holdExclusiveLock,
  writeRealStore,
  type DamageName,
} from '../../../test/support/damaged-store';
import { cleanupAfterEach } from '../../../test/support/cleanups';
import { projectRoot } from '../../../test/support/headless-child';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-recovery-');
const now = Date.parse('2026-12-04T17:02:18.500Z');
const movedName = 'ringside.damaged-2026-12-04T170218Z.sqlite';

function userStore(): { where: { dataDir: string; userId: string }; path: string } {
  const where = { dataDir: temporaryFolder(), userId: 'user-jordan' };
  return { where, path: storePathFor(where.dataDir, where.userId) };
}

function recover(where: { dataDir: string; userId: string }) {
  const opened = openOrRecoverStore({ where, open: openStore, now });
  defer(() => opened.store.close());
  return opened;
}

function pendingKeys(store: Store): string[] {
  return store.outbox.pending().map((entry) => entry.idempotencyKey);
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/** Each kind of damage, what it is called, and how many of the 2 edits it lets us read back. */
const cases: Array<{ damage: DamageName; kind: string; recovered: number; lost: number | null }> = [
  // Nothing to read: whether there were edits cannot be known.
  { damage: 'garbage', kind: 'notDatabase', recovered: 0, lost: null },
  // Half the schema's own pages are gone: SQLite cannot read any table of it.
  { damage: 'truncated', kind: 'truncated', recovered: 0, lost: null },
  // Only the magic is wrong: read from a copy with the magic written back.
  { damage: 'badHeader', kind: 'notDatabase', recovered: 2, lost: 0 },
  // An empty file says nothing of what it held.
  { damage: 'empty', kind: 'empty', recovered: 0, lost: null },
  { damage: 'corruptPage', kind: 'corrupt', recovered: 2, lost: 0 },
];

describe('a damaged store file, on disk', () => {
  for (const { damage, kind, recovered, lost } of cases) {
    it(`${damage}: refused by openStore, moved aside intact, a fresh store with the edits it holds`, () => {
      const { where, path } = userStore();
      writeRealStore(path, { items: 300, edits: 2 });
      damages[damage](path);
      const damagedBytes = readFileSync(path);

      expect(() => openStore(where)).toThrow(StoreDamagedError);
      // Refusing changed nothing: not the file, and no -wal/-shm made beside it.
      expect(readFileSync(path).equals(damagedBytes)).toBe(true);

      const { store, recovery } = recover(where);
      expect(recovery).toMatchObject({ damage: kind, recovered, lost });
      expect(basename(recovery?.movedTo ?? '')).toBe(movedName);
      // Kept, byte for byte, owner-only; no salvage copy left behind.
      const moved = `${dirname(path)}/${movedName}`;
      expect(readFileSync(moved).equals(damagedBytes)).toBe(true);
      if (hasPosixModes) expect(mode(moved)).toBe(0o600);
      expect(readdirSync(dirname(path)).filter((name) => name.includes('salvage'))).toEqual([]);
      // A fresh store: no epoch, nothing seen, so the service replays its epoch from the start.
      expect(store.events.lastSeq()).toBe(0);
      expect(store.events.epoch()).toBeNull();
      expect(store.notifications.list(10)).toEqual([]);
      expect(store.integrityCheck()).toBe('ok');
      expect(pendingKeys(store)).toEqual(['edit-key-0', 'edit-key-1'].slice(0, recovered));
      // The fresh store opens again as it is.
      store.close();
      const again = openOrRecoverStore({ where, open: openStore, now });
      expect(again.recovery).toBeNull();
      expect(pendingKeys(again.store)).toHaveLength(recovered);
      again.store.close();
    });
  }

  it('an edit whose row cannot be read is counted lost; the others are queued again in order', () => {
    const { where, path } = userStore();
    writeRealStore(path, { items: 50, edits: 2 });
    addUnreadableEdit(path);
    const { store, recovery } = recover(where);
    expect(recovery).toMatchObject({ damage: 'corrupt', recovered: 2, lost: 1 });
    const pending = store.outbox.pending();
    expect(pending.map((entry) => entry.idempotencyKey)).toEqual(['edit-key-0', 'edit-key-1']);
    // Queued as they were, to be sent afresh: same keys (the service applies each once).
    expect(pending[0]).toMatchObject({
      document: 'preferences',
      changes: { 'quietHours.start': '00:00' },
      baseVersion: 3,
      createdAt: 2_000,
      attempts: 0,
    });
  });

  it('edits still in the WAL (the app was killed before a checkpoint) are read back with it', () => {
    const { where, path } = userStore();
    writeRealStore(path, { items: 300, edits: 0 });
    // A process that queues an edit and is killed: the edit is in the WAL, not in the file.
    const killed = spawnSync(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]);
         db.pragma('wal_autocheckpoint = 0');
         db.prepare("INSERT INTO preference_outbox (idempotency_key, document, changes, base_version, created_at) VALUES ('edit-in-wal', 'preferences', '{\\"timeZone\\":\\"Europe/Paris\\"}', 4, 5000)").run();
         process.kill(process.pid, 'SIGKILL');`,
        path,
      ],
      { cwd: projectRoot, encoding: 'utf8' },
    );
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const walBytes = readFileSync(`${path}-wal`);
    expect(walBytes.length).toBeGreaterThan(0);
    damages.corruptPage(path);
    const { store, recovery } = recover(where);
    expect(recovery).toMatchObject({ damage: 'corrupt', recovered: 1, lost: 0 });
    expect(pendingKeys(store)).toEqual(['edit-in-wal']);
    expect(store.outbox.pending()[0]?.changes).toEqual({ timeZone: 'Europe/Paris' });
    // The WAL moved with it, untouched.
    expect(readFileSync(`${dirname(path)}/${movedName}-wal`).equals(walBytes)).toBe(true);
  });

  it('a missing file is a new store, not damage', () => {
    const { where, path } = userStore();
    const { store, recovery } = recover(where);
    expect(recovery).toBeNull();
    expect(existsSync(path)).toBe(true);
    expect(store.integrityCheck()).toBe('ok');
  });

  it('a database from a newer app is refused as before, and left where it is', () => {
    const { where, path } = userStore();
    writeRealStore(path, { items: 1, edits: 1 });
    const raw = new BetterSqlite3(path);
    raw.pragma(`user_version = ${latestVersion + 1}`);
    raw.close();
    expect(() => openOrRecoverStore({ where, open: openStore, now })).toThrow(
      DBVersionFromFutureError,
    );
    expect(readdirSync(dirname(path)).filter((name) => name.includes('damaged'))).toEqual([]);
  });

  it('a file another process holds locked is not damage: refused, nothing moved', () => {
    const { where, path } = userStore();
    writeRealStore(path, { items: 10, edits: 1 });
    const before = readFileSync(path);
    const lock = holdExclusiveLock(path);
    defer(() => lock.release());
    // One attempt: each waits out the busy timeout (5 s).
    let refusal: unknown = null;
    try {
      openOrRecoverStore({ where, open: openStore, now }).store.close();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(StoreLockedError);
    expect((refusal as Error).message).toBe('Another copy of Ringside is using this profile');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dirname(path)).filter((name) => name.includes('damaged'))).toEqual([]);
    lock.release();
    const { store, recovery } = recover(where);
    expect(recovery).toBeNull();
    expect(pendingKeys(store)).toEqual(['edit-key-0']);
  }, 30_000);
});
