import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ensurePrivateFile,
  ensurePrivateFolder,
  privateFolderMode,
  tightenPrivateFile,
} from '../private-files';
import { openDatabase } from './database';
import { migrate } from './migrate';
import type { Store } from './repositories';
import { SqliteStore } from './sqlite-store';
import {
  asOpenError,
  checkStoreFile,
  classifyOpenError,
  inspectStoreFile,
  probeWriteLock,
} from './store-file-check';

export { DBVersionFromFutureError, migrate, schemaVersion } from './migrate';
export { latestVersion, migrations, type Migration } from './migrations';
export type * from './repositories';
export {
  damageWords,
  profileInUseMessage,
  StoreDamagedError,
  StoreLockedError,
  type StoreDamage,
} from './store-file-check';
export { openOrRecoverStore, type SalvagedSettings, type StoreRecovery } from './recovery';

/** File name of each user's database inside their folder. */
export const storeFileName = 'ringside.sqlite';

/**
 * Where one signed-in user's database lives: `<dataDir>/users/<userId>/ringside.sqlite`. Only
 * lower-case letters, digits and `. _ -` are kept as they are; anything else is escaped as `%xx`
 * — capitals too, because macOS and Windows file names ignore case, and leading or trailing dots
 * (`..`; Windows drops a trailing one) — so two ids never share a folder and none escapes `dataDir`.
 */
export function storePathFor(dataDir: string, userId: string): string {
  // Escaped as UTF-8 bytes, two hex digits each: a fixed width, so no two escapes read alike.
  const folder = userId.replace(/[^a-z0-9._-]|^\.+|\.+$/gu, (characters) =>
    [...Buffer.from(characters, 'utf8')]
      .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
      .join(''),
  );
  return join(dataDir, 'users', folder, storeFileName);
}

/** The files SQLite keeps beside a database: WAL mode's two, and the rollback journal. */
export const storeCompanionSuffixes = ['-wal', '-shm', '-journal'] as const;

/**
 * Opens (creating if needed) and migrates a store: `openStore({ dataDir, userId })` for the
 * per-user database, or `openStore(path)` for a file (or `':memory:'`). Throws
 * `DBVersionFromFutureError` for a database written by a newer app, `StoreDamagedError` for a
 * file that is empty, not a database, or fails `PRAGMA quick_check` (the file left as it was:
 * `openOrRecoverStore` moves it aside), and `StoreLockedError` when another process holds its
 * lock past the busy timeout.
 *
 * Owner-only on disk (see private-files.ts): the folders 0700, and the database file created
 * 0600 before SQLite opens it — SQLite would create it 0644 less the umask, and makes its
 * `-wal` and `-shm` with the database's own mode. Those are tightened after opening too, for
 * files left by an older version.
 */
export function openStore(where: string | { dataDir: string; userId: string }): Store {
  const path = typeof where === 'string' ? where : storePathFor(where.dataDir, where.userId);
  if (typeof where !== 'string') {
    ensurePrivateFolder(where.dataDir);
    ensurePrivateFolder(join(where.dataDir, 'users'));
    ensurePrivateFolder(dirname(path));
  } else if (path !== ':memory:') {
    // A folder given by path may be anyone's (the working directory): created private, never
    // changed if it exists.
    mkdirSync(dirname(path), { recursive: true, mode: privateFolderMode });
  }
  const onDisk = path !== ':memory:';
  // Before the empty file is made: a file that exists with zero bytes is damage, not a new store.
  if (onDisk && inspectStoreFile(path) === 'present') checkStoreFile(path);
  if (onDisk) ensurePrivateFile(path);
  let db: ReturnType<typeof openDatabase> | null = null;
  try {
    db = openDatabase(path);
    if (onDisk) {
      for (const suffix of storeCompanionSuffixes) tightenPrivateFile(`${path}${suffix}`);
      probeWriteLock(db);
    }
    migrate(db);
  } catch (error) {
    db?.close();
    throw asOpenError(classifyOpenError(error, path));
  }
  return new SqliteStore(db, path);
}
