import type { OverriddenEdit, SyncStatus } from '../../../common';

/** The last thing sync has to tell the user about; cleared by their next edit. */
export type SyncNotice =
  | { kind: 'conflict'; overridden: OverriddenEdit[]; at: number }
  | { kind: 'error'; reason: string };

/** What the status is projected from. */
export interface SyncState {
  /** A refusal retrying cannot fix (401): nothing is sent until a retry or a new edit. */
  blocked: string | null;
  /** Since when the service has been unreachable; null while it answers. */
  offlineSince: number | null;
  /** Entries in the outbox. */
  pending: number;
  notice: SyncNotice | null;
  /** When the outbox was last seen empty after a pass. */
  lastSyncedAt: number | null;
}

/**
 * The one status value (`syncStatusSchema`), the most pressing first: blocked › offline ›
 * pending › the last refusal › the last conflict › synced.
 */
export function syncStatusOf(state: SyncState): SyncStatus {
  const { pending: count, notice } = state;
  if (state.blocked !== null) return { status: 'error', reason: state.blocked, count };
  if (state.offlineSince !== null) return { status: 'offline', since: state.offlineSince, count };
  if (count > 0) return { status: 'pending', count };
  if (notice?.kind === 'error') return { status: 'error', reason: notice.reason, count };
  if (notice?.kind === 'conflict') {
    return { status: 'conflictResolved', overridden: notice.overridden, at: notice.at };
  }
  return { status: 'synced', at: state.lastSyncedAt };
}
