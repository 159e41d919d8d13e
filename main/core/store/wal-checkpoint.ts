import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { CheckpointResult, StoreWal } from './repositories';

/** SQLite's own automatic checkpoint: every 1,000 WAL pages, at the commit that passes them. */
const sqliteAutomaticPages = 1_000;
/** What a checkpointed WAL's file is cut back to when SQLite reuses it (`journal_size_limit`). */
export const truncatedBytes = 2 * 1024 * 1024;

/**
 * The WAL's checkpoints, taken by the session when the stream goes quiet or the WAL passes a
 * size bound (main/core/quiet-housekeeper.ts), not by SQLite in the middle of a burst. See
 * README.md ("Checkpoints") for why a kill loses nothing either way.
 */
export class SqliteWal implements StoreWal {
  readonly #db: Database;
  readonly #walPath: string | null;

  constructor(db: Database, path: string) {
    this.#db = db;
    this.#walPath = path === ':memory:' ? null : `${path}-wal`;
  }

  /**
   * Off: no commit checkpoints by itself (the session does, when quiet or past its size bound).
   * On again: SQLite's default. A WAL cut back to `truncatedBytes` when it is reused after a
   * checkpoint keeps the file from staying large, and keeps `bytes()` below the session's bound
   * (4 MB) until the WAL holds more than that again.
   */
  holdAutomaticCheckpoints(hold: boolean): void {
    this.#db.pragma(`wal_autocheckpoint = ${hold ? 0 : sqliteAutomaticPages}`);
    this.#db.pragma(`journal_size_limit = ${truncatedBytes}`);
  }

  /** A PASSIVE checkpoint: copies what it can without waiting for any reader or writer. */
  checkpoint(): CheckpointResult {
    const [row] = this.#db.pragma('wal_checkpoint(PASSIVE)') as Array<{
      busy: number;
      log: number;
      checkpointed: number;
    }>;
    return { walPages: row?.log ?? 0, checkpointedPages: row?.checkpointed ?? 0 };
  }

  bytes(): number {
    if (this.#walPath === null) return 0;
    try {
      return statSync(this.#walPath).size;
    } catch {
      return 0;
    }
  }
}
