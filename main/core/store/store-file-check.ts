import BetterSqlite3, { type Database } from 'better-sqlite3';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Row } from './repositories/rows';

/**
 * Deciding, at open, whether a store file is damaged, in use elsewhere, or fine (issue 16). The
 * header is read before SQLite touches the file (SQLite would take an empty file for a new
 * database, and `openStore` creates an empty file before SQLite opens it, so a zero-length file
 * has to be told apart first); then `PRAGMA quick_check`; errors SQLite raises on the way are
 * sorted into damage, a lock, or neither (anything else is not ours to judge, and is rethrown).
 */

/** What is wrong with a damaged store file, in the words the notice uses. */
export type StoreDamage = 'empty' | 'notDatabase' | 'truncated' | 'corrupt';

/** A few words for each kind of damage, for the person and the log. */
export const damageWords: Record<StoreDamage, string> = {
  empty: 'the file is empty',
  notDatabase: 'the file is not a database',
  truncated: 'the file is cut short',
  corrupt: 'the file is corrupt',
};

/**
 * The store file is damaged: it cannot be trusted, and nothing was changed in it. The caller
 * moves it aside and builds a fresh store (`recovery.ts`).
 */
export class StoreDamagedError extends Error {
  constructor(
    readonly path: string,
    readonly damage: StoreDamage,
    /** What SQLite or the check said, for the log. */
    readonly detail: string,
  ) {
    super(`The local database ${path} is damaged: ${damageWords[damage]} (${detail})`);
    this.name = 'StoreDamagedError';
  }
}

/** What a person is told when another process holds the profile's database. */
export const profileInUseMessage = 'Another copy of Ringside is using this profile';

/**
 * Another process holds the database's lock past the busy timeout: not damage, so nothing is
 * moved; the profile cannot be opened until it lets go.
 */
export class StoreLockedError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(profileInUseMessage);
    this.name = 'StoreLockedError';
  }
}

/** Every SQLite database starts with these 16 bytes. */
export const sqliteMagic = Buffer.from('SQLite format 3\0', 'latin1');
/** The database header is the first 100 bytes of the file. */
const headerLength = 100;

/** `openStore` needs to know which: a missing file is a new store, never damage. */
export type StoreFileState = 'missing' | 'present';

function readHeader(path: string): Buffer {
  const header = Buffer.alloc(headerLength);
  const descriptor = openSync(path, 'r');
  try {
    const read = readSync(descriptor, header, 0, headerLength, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(descriptor);
  }
}

/** The page size the header declares, or null when it is not one SQLite can write. */
function pageSizeOf(header: Buffer): number | null {
  const raw = header.readUInt16BE(16);
  const size = raw === 1 ? 65_536 : raw;
  const powerOfTwo = (size & (size - 1)) === 0;
  return powerOfTwo && size >= 512 && size <= 65_536 ? size : null;
}

/**
 * Looks at the file before SQLite does: missing (a new store), or present with a header SQLite
 * wrote. Throws `StoreDamagedError` for a zero-length file, or one whose first 100 bytes are not
 * a SQLite header (the magic, a valid page size).
 */
export function inspectStoreFile(path: string): StoreFileState {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  if (size === 0) throw new StoreDamagedError(path, 'empty', 'zero bytes');
  const header = readHeader(path);
  if (header.length < headerLength || !header.subarray(0, 16).equals(sqliteMagic)) {
    throw new StoreDamagedError(path, 'notDatabase', 'no SQLite header');
  }
  if (pageSizeOf(header) === null) {
    throw new StoreDamagedError(path, 'notDatabase', 'an impossible page size in the header');
  }
  return 'present';
}

/**
 * Whether the file is shorter than the database its header describes. Only names the damage
 * SQLite already found (a WAL can hold pages the main file does not have yet, so a short file
 * alone is not damage).
 */
function looksTruncated(path: string): boolean {
  try {
    const header = readHeader(path);
    const pageSize = header.length === headerLength ? pageSizeOf(header) : null;
    // The page count at 28 is valid only when the "version valid for" number matches the change
    // counter (SQLite file format, section 1.3.7).
    if (pageSize === null || header.readUInt32BE(92) !== header.readUInt32BE(24)) return false;
    return statSync(path).size < header.readUInt32BE(28) * pageSize;
  } catch {
    return false;
  }
}

/**
 * `PRAGMA quick_check`: every page and record of every table read once (no index
 * cross-checks, which `integrity_check` adds): linear in the file's size and bounded by it, so
 * cheap for a store kept small by retention. Throws `StoreDamagedError` unless it says `ok`.
 */
export function quickCheck(db: Database, path: string): void {
  // At most 10 problems listed: enough for the log, and it stops early on a badly broken file.
  const rows = db.pragma('quick_check(10)') as Row[];
  const findings = rows.map((row) => String(row.quick_check));
  if (findings.length === 1 && findings[0] === 'ok') return;
  throw new StoreDamagedError(
    path,
    looksTruncated(path) ? 'truncated' : 'corrupt',
    findings.slice(0, 3).join('; '),
  );
}

/**
 * The integrity check of an existing file, on a read-only connection of its own: a read-only
 * connection never checkpoints or deletes the WAL when it closes, so a damaged database is
 * refused exactly as it was found (its last edits may be in that WAL). Throws
 * `StoreDamagedError`, or `StoreLockedError` when another process holds it past the busy timeout.
 */
export function checkStoreFile(path: string): void {
  let db: Database | null = null;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    quickCheck(db, path);
  } catch (error) {
    throw asOpenError(classifyOpenError(error, path));
  } finally {
    db?.close();
  }
}

/** An `Error` to throw, whatever was caught. */
export function asOpenError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Takes the write lock and lets go at once. In WAL mode another process's exclusive transaction
 * does not stop reads, so without this a held profile would open and then fail its first write;
 * this waits up to the busy timeout, then throws (SQLITE_BUSY).
 */
export function probeWriteLock(db: Database): void {
  db.exec('BEGIN IMMEDIATE');
  db.exec('ROLLBACK');
}

/**
 * Sorts an error thrown while opening `path` into damage (`StoreDamagedError`), a lock held
 * elsewhere (`StoreLockedError`), or neither (returned unchanged: a folder that cannot be read,
 * a full disk, a database from a newer app are not damage, and the file is left alone).
 */
export function classifyOpenError(error: unknown, path: string): unknown {
  if (error instanceof StoreDamagedError || error instanceof StoreLockedError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const detail = error instanceof Error ? error.message : code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreLockedError(path, detail);
  }
  if (code === 'SQLITE_NOTADB') return new StoreDamagedError(path, 'notDatabase', detail);
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new StoreDamagedError(path, looksTruncated(path) ? 'truncated' : 'corrupt', detail);
  }
  // A short read is a file cut off under SQLite's feet.
  if (code === 'SQLITE_IOERR_SHORT_READ') return new StoreDamagedError(path, 'truncated', detail);
  return error;
}
