import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { startService } from '../../service';
import { createCompanion } from './companion';
import { createRecordingLogger } from '../../test/support/recording-logger';
import { RecordingNotifier } from '../../test/support/recording-notifier';
import { waitForValue } from '../../test/support/wait-for';
import { createSystemClock } from './ports';
import {
  hasPosixModes,
  tightenDataFolder,
  writePrivateFile,
  ensurePrivateFile,
} from './private-files';
import { openStore, storePathFor } from './store';

/**
 * Issue 16: the data folder and every file the companion keeps in it are owner-only, whatever
 * the umask, and what an older version left open is tightened at start. The tests run with
 * umask 000 (vitest's pool is `forks`: each file is its own process), so a mode that is right
 * here was set on purpose, not inherited from a strict umask.
 */

const cleanups: Array<() => Promise<void> | void> = [];
let umaskBefore = 0;

beforeEach(() => {
  if (hasPosixModes) umaskBefore = process.umask(0o000);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  if (hasPosixModes) process.umask(umaskBefore);
});

function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'ringside-private-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(3, '0');
}

/** POSIX modes only: on Windows the test says why it does not run. */
function requirePosix(context: TestContext): void {
  if (!hasPosixModes) {
    context.skip('Windows has no POSIX file modes; %APPDATA% is per-user there.');
  }
}

describe('the data folder on disk', () => {
  it('a store is created owner-only: folders 0700, the database and its -wal/-shm 0600', (context) => {
    requirePosix(context);
    const dataDir = join(temporaryFolder(), 'fresh');
    const store = openStore({ dataDir, userId: 'user-jordan' });
    cleanups.push(() => store.close());
    store.meta.set('deviceId', 'device-1');
    const path = storePathFor(dataDir, 'user-jordan');
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(existsSync(`${path}-shm`)).toBe(true);
    expect({
      dataDir: modeOf(dataDir),
      users: modeOf(join(dataDir, 'users')),
      userFolder: modeOf(join(path, '..')),
      database: modeOf(path),
      wal: modeOf(`${path}-wal`),
      shm: modeOf(`${path}-shm`),
    }).toEqual({
      dataDir: '700',
      users: '700',
      userFolder: '700',
      database: '600',
      wal: '600',
      shm: '600',
    });
  });

  it('a store left world-readable by an older version is tightened when it is opened', (context) => {
    requirePosix(context);
    const dataDir = temporaryFolder();
    const path = storePathFor(dataDir, 'user-jordan');
    openStore({ dataDir, userId: 'user-jordan' }).close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'users'), 0o755);
    chmodSync(path, 0o644);
    const store = openStore({ dataDir, userId: 'user-jordan' });
    cleanups.push(() => store.close());
    expect([modeOf(dataDir), modeOf(join(dataDir, 'users')), modeOf(path)]).toEqual([
      '700',
      '700',
      '600',
    ]);
    expect(modeOf(`${path}-wal`)).toBe('600');
  });

  it('tightens the folder, its files and users/ at start; other folders and symlinks are left alone', (context) => {
    requirePosix(context);
    const dataDir = temporaryFolder();
    const userFolder = join(dataDir, 'users', 'user-jordan');
    mkdirSync(userFolder, { recursive: true, mode: 0o777 });
    writeFileSync(join(dataDir, 'sessions.json'), '{}', { mode: 0o666 });
    writeFileSync(join(dataDir, 'service.json'), '{}', { mode: 0o644 });
    writeFileSync(join(userFolder, 'ringside.sqlite'), '', { mode: 0o644 });
    writeFileSync(join(userFolder, 'ringside.sqlite-wal'), '', { mode: 0o664 });
    mkdirSync(join(dataDir, 'Cache'), { mode: 0o755 });
    const outside = join(temporaryFolder(), 'not-ours.txt');
    writeFileSync(outside, 'someone else', { mode: 0o644 });
    symlinkSync(outside, join(dataDir, 'link-out'));
    symlinkSync(outside, join(userFolder, 'link-out'));
    chmodSync(dataDir, 0o777);

    tightenDataFolder(dataDir);

    expect({
      dataDir: modeOf(dataDir),
      sessions: modeOf(join(dataDir, 'sessions.json')),
      service: modeOf(join(dataDir, 'service.json')),
      users: modeOf(join(dataDir, 'users')),
      userFolder: modeOf(userFolder),
      database: modeOf(join(userFolder, 'ringside.sqlite')),
      wal: modeOf(join(userFolder, 'ringside.sqlite-wal')),
      chromiumFolder: modeOf(join(dataDir, 'Cache')),
      symlinkTarget: modeOf(outside),
    }).toEqual({
      dataDir: '700',
      sessions: '600',
      service: '600',
      users: '700',
      userFolder: '700',
      database: '600',
      wal: '600',
      chromiumFolder: '755',
      symlinkTarget: '644',
    });
  });

  it('writes a private file atomically at 0600, whatever mode a leftover temporary file had', (context) => {
    requirePosix(context);
    const folder = temporaryFolder();
    const file = join(folder, 'sessions.json');
    writeFileSync(`${file}.${process.pid}.tmp`, 'half a write', { mode: 0o666 });
    writePrivateFile(file, '{"a":"b"}');
    expect(readFileSync(file, 'utf8')).toBe('{"a":"b"}');
    expect(modeOf(file)).toBe('600');
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
    ensurePrivateFile(file);
    expect(readFileSync(file, 'utf8')).toBe('{"a":"b"}');
  });

  it('a real companion signed in leaves only owner-only files: store, -wal/-shm, sessions.json', async (context) => {
    requirePosix(context);
    const service = await startService({
      databasePath: join(temporaryFolder(), 'service.sqlite'),
    });
    cleanups.push(() => service.close());
    const dataDir = join(temporaryFolder(), 'companion');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const companion = createCompanion({
      dataDir,
      serviceUrl: service.url,
      token: 'demo-token-jordan',
      notifier: new RecordingNotifier(),
      clock: createSystemClock(),
      logger: createRecordingLogger(),
      coalesceWindowMilliseconds: 0,
    });
    cleanups.push(() => companion.stop());
    // Tightened as the companion is made, before anything is read or written.
    expect(modeOf(dataDir)).toBe('700');
    await companion.start();
    await waitForValue(companion.connection, (state) => state.status === 'connected');
    const path = storePathFor(dataDir, 'user-jordan');
    expect({
      sessions: modeOf(join(dataDir, 'sessions.json')),
      database: modeOf(path),
      wal: modeOf(`${path}-wal`),
      shm: modeOf(`${path}-shm`),
    }).toEqual({ sessions: '600', database: '600', wal: '600', shm: '600' });
  });
});
