import type Database from 'better-sqlite3';
import type { ServiceDatabase } from '../database';

/** A prepared statement for one SQL text, typed by its parameters and row. */
export type Prepare = <Parameters extends unknown[] = unknown[], Row = unknown>(
  sql: string,
) => Database.Statement<Parameters, Row>;

/**
 * Prepares each SQL text once and hands out the same statement after that: preparing is most of
 * the cost of a small query. The queries of every part of the store share one cache.
 */
export function statementCache(database: ServiceDatabase): Prepare {
  const statements = new Map<string, Database.Statement<unknown[], unknown>>();
  return <Parameters extends unknown[] = unknown[], Row = unknown>(sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<Parameters, Row>;
  };
}
