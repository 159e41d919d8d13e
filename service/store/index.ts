import type { ServiceDatabase } from '../database';
import { changeQueries, type ChangeQueries } from './changes';
import { detectorStateQueries, type DetectorStateQueries } from './detector-states';
import { documentQueries, type DocumentQueries } from './documents';
import { eventQueries, type EventQueries } from './events';
import { heldMessageQueries, type HeldMessageQueries } from './held-messages';
import { outboxQueries, type OutboxQueries } from './outbox';
import { peopleQueries, type PeopleQueries } from './people';
import { statementCache } from './statements';

export type { AppliedChange, ChangeQueries, StoredIdempotentResponse } from './changes';
export type { DetectorStateQueries, StoredDetectorState } from './detector-states';
export type { DocumentQueries, Versioned } from './documents';
export type { EventQueries } from './events';
export type { DestinationHour, HeldMessage, HeldMessageQueries } from './held-messages';
export type { OutboxQueries } from './outbox';
export type { Business, PeopleQueries, ServiceUser } from './people';

/**
 * The queries the running service makes, one file per part of its data (people, documents,
 * changes, events, outbox, detector states, held messages) over one statement cache. Synchronous (better-sqlite3): a write is
 * committed before the caller pushes anything, and nothing interleaves inside one call.
 */
export interface ServiceStore
  extends
    PeopleQueries,
    DocumentQueries,
    ChangeQueries,
    EventQueries,
    OutboxQueries,
    DetectorStateQueries,
    HeldMessageQueries {
  /** The open file, for writers outside the running service (the demo seed, tests). */
  readonly database: ServiceDatabase;
  /** Runs `work` in one transaction (nested calls become savepoints). */
  transaction<Result>(work: () => Result): Result;
}

/** The store over an open service database (see `openServiceDatabase`). */
export function createServiceStore(database: ServiceDatabase): ServiceStore {
  const prepare = statementCache(database);
  return {
    database,
    transaction: (work) => database.transaction(work)(),
    ...peopleQueries(prepare),
    ...documentQueries(prepare),
    ...changeQueries(prepare),
    ...eventQueries(prepare),
    ...outboxQueries(prepare),
    ...detectorStateQueries(prepare),
    ...heldMessageQueries(prepare),
  };
}
