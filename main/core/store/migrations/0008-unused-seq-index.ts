import type { Database } from 'better-sqlite3';

/**
 * Version 8 (issue 15): `processed_events_by_seq` (migration 0006) dropped. No statement reads
 * it (EXPLAIN QUERY PLAN of every query on `processed_events`: the seq of a record is read by its
 * id, and retention takes the highest seq it prunes from its own `DELETE … RETURNING seq`), yet
 * every recorded service event wrote an entry into it inside the batch: one more b-tree insert
 * per event and its pages in every commit.
 */
export function up(db: Database): void {
  db.exec('DROP INDEX IF EXISTS processed_events_by_seq');
}
