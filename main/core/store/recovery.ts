import BetterSqlite3 from 'better-sqlite3';
import {
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join, parse } from 'node:path';
import { z } from 'zod';
import { tightenPrivateFile } from '../private-files';
import { schemaVersion } from './migrate';
import { latestVersion } from './migrations';
import type { OutboxEntry, Store } from './repositories';
import { sqliteMagic, StoreDamagedError, type StoreDamage } from './store-file-check';

/**
 * A damaged store, handled (issue 16): the file moved aside with a timestamp (kept, owner-only,
 * never written to), a fresh store built in its place, and the settings edits that had not
 * reached the service read back from the damaged file where it allows and queued again. The
 * events and preferences come back from the service: a fresh store has no epoch and `lastSeq`
 * 0, so the connection replays the whole current epoch, as after a service reset.
 */

/** The files SQLite keeps beside a database, moved with it. */
const companionSuffixes = ['-wal', '-shm', '-journal'] as const;

/** What a recovery did, for the notice and the log. */
export interface StoreRecovery {
  damage: StoreDamage;
  /** What SQLite or the check said. */
  detail: string;
  /** Where the damaged database now is (its `-wal`/`-shm` beside it, same name). */
  movedTo: string;
  /** Settings edits read back from it and queued again. */
  recovered: number;
  /** Edits found but unreadable; null when its outbox could not be read at all. */
  lost: number | null;
}

/** What could be read back of a damaged store's outbox. */
export interface SalvagedSettings {
  /** The pending edits, oldest first, as they were queued (same idempotency keys). */
  edits: Array<Omit<OutboxEntry, 'id' | 'attempts'>>;
  /** Rows seen but unreadable; null when the outbox could not be read at all. */
  lost: number | null;
}

/** A timestamp fit for a file name on every platform: `2026-12-04T170218Z`. */
function fileStamp(now: number): string {
  return `${new Date(now).toISOString().slice(0, 19).replaceAll(':', '')}Z`;
}

/**
 * Renames the damaged database and its `-wal`/`-shm`/`-journal` to
 * `<name>.damaged-<timestamp><ext>` (plus the same suffixes, so SQLite still finds its WAL)
 * in the same folder, owner-only. A second damage in the same second gets `-2`, `-3`…
 */
export function moveAside(path: string, now: number): string {
  const { dir, name, ext } = parse(path);
  const stamp = fileStamp(now);
  let target = join(dir, `${name}.damaged-${stamp}${ext}`);
  for (let attempt = 2; ['', ...companionSuffixes].some((s) => existsSync(`${target}${s}`));) {
    target = join(dir, `${name}.damaged-${stamp}-${attempt}${ext}`);
    attempt += 1;
  }
  // The database first: once it is gone, nothing opens the old WAL against a new file.
  renameSync(path, target);
  tightenPrivateFile(target);
  for (const suffix of companionSuffixes) {
    try {
      renameSync(`${path}${suffix}`, `${target}${suffix}`);
      tightenPrivateFile(`${target}${suffix}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return target;
}

const outboxRowSchema = z.object({
  idempotency_key: z.string().min(1),
  document: z.enum(['preferences', 'businessDefaults']),
  changes: z.string(),
  base_version: z.number().int(),
  created_at: z.number(),
});

/** One outbox row as an edit to queue again, or null when it does not parse. */
function editFrom(row: unknown): SalvagedSettings['edits'][number] | null {
  const parsed = outboxRowSchema.safeParse(row);
  if (!parsed.success) return null;
  let changes: unknown;
  try {
    changes = JSON.parse(parsed.data.changes);
  } catch {
    return null;
  }
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) return null;
  return {
    idempotencyKey: parsed.data.idempotency_key,
    document: parsed.data.document,
    changes: changes as Record<string, unknown>,
    baseVersion: parsed.data.base_version,
    createdAt: parsed.data.created_at,
  };
}

/** Reads the outbox of an open (read-only) copy, row by row: a row that fails is counted lost. */
function readOutbox(db: BetterSqlite3.Database): SalvagedSettings {
  const ids: number[] = [];
  try {
    // Ids only: a scan of the table's own pages, which may survive where some rows' content
    // (on overflow pages) does not.
    for (const id of db.prepare('SELECT id FROM preference_outbox ORDER BY id').pluck().iterate()) {
      ids.push(Number(id));
    }
  } catch {
    return { edits: [], lost: null };
  }
  if (schemaVersion(db) !== latestVersion) {
    // Written by another build: its edits may name fields this one reads differently.
    return { edits: [], lost: ids.length };
  }
  const read = db.prepare('SELECT * FROM preference_outbox WHERE id = ?');
  const edits: SalvagedSettings['edits'] = [];
  let lost = 0;
  for (const id of ids) {
    let edit: SalvagedSettings['edits'][number] | null = null;
    try {
      edit = editFrom(read.get(id));
    } catch {
      // SQLITE_CORRUPT on this row's pages: lost, the others may still read.
    }
    if (edit) edits.push(edit);
    else lost += 1;
  }
  return { edits, lost };
}

/**
 * Reads the pending settings edits of a damaged database at `path`. Works on a private copy
 * (the database and its WAL, where the last edits may still be), so the moved-aside file is
 * never touched: opened read-only, and with its 16-byte magic written back when that was all
 * that was wrong with the header. Of an empty file nothing can be known (`lost` null).
 */
export function salvageSettings(path: string): SalvagedSettings {
  // An empty file says nothing of what it held: whether edits were lost cannot be known.
  if (statSync(path).size === 0) return { edits: [], lost: null };
  const copy = `${path}.salvage-${process.pid}`;
  const files = ['', ...companionSuffixes];
  const removeCopy = () => {
    for (const suffix of files) rmSync(`${copy}${suffix}`, { force: true });
  };
  removeCopy();
  try {
    for (const suffix of files) {
      if (!existsSync(`${path}${suffix}`)) continue;
      copyFileSync(`${path}${suffix}`, `${copy}${suffix}`);
      tightenPrivateFile(`${copy}${suffix}`);
    }
    restoreMagic(copy);
    const db = new BetterSqlite3(copy, { readonly: true, fileMustExist: true });
    try {
      return readOutbox(db);
    } finally {
      db.close();
    }
  } catch {
    return { edits: [], lost: null };
  } finally {
    removeCopy();
  }
}

/** Writes SQLite's 16-byte magic back over a damaged one, in the copy only. */
function restoreMagic(copy: string): void {
  const descriptor = openSync(copy, 'r+');
  try {
    writeSync(descriptor, sqliteMagic, 0, sqliteMagic.length, 0);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Opens one user's store through `open` (the storage port, `openStore` by default); when the
 * file is damaged, moves it aside, opens a fresh one and queues again the settings edits read
 * back from the damaged file. `recovery` says what happened (null: the store opened as it was).
 * A lock held elsewhere (`StoreLockedError`) or a newer database (`DBVersionFromFutureError`)
 * is thrown as it is, nothing moved.
 */
export function openOrRecoverStore<Where extends { dataDir: string; userId: string }>(options: {
  where: Where;
  open: (where: Where) => Store;
  now: number;
}): { store: Store; recovery: StoreRecovery | null } {
  let damaged: StoreDamagedError;
  try {
    return { store: options.open(options.where), recovery: null };
  } catch (error) {
    if (!(error instanceof StoreDamagedError)) throw error;
    damaged = error;
  }
  const movedTo = moveAside(damaged.path, options.now);
  const salvaged = salvageSettings(movedTo);
  const store = options.open(options.where);
  try {
    if (salvaged.edits.length > 0) {
      store.transaction(() => {
        for (const edit of salvaged.edits) store.outbox.enqueue(edit);
      });
    }
  } catch (error) {
    store.close();
    throw error;
  }
  return {
    store,
    recovery: {
      damage: damaged.damage,
      detail: damaged.detail,
      movedTo,
      recovered: salvaged.edits.length,
      lost: salvaged.lost,
    },
  };
}
