import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../common';
import { syncStatusOf, type SyncState } from './sync-status';

const quiet: SyncState = {
  blocked: null,
  offlineSince: null,
  pending: 0,
  notice: null,
  lastSyncedAt: 500,
};
const conflict = {
  kind: 'conflict' as const,
  overridden: [{ field: 'fisherMode', yours: true, theirs: false }],
  at: 400,
};
const refusal = { kind: 'error' as const, reason: 'Only admins may change account alerts' };

describe('syncStatusOf: the most pressing state wins', () => {
  const cases: Array<{ rule: string; state: Partial<SyncState>; status: SyncStatus }> = [
    {
      rule: 'blocked (401) outranks everything',
      state: { blocked: 'Signed out', offlineSince: 100, pending: 2, notice: refusal },
      status: { status: 'error', reason: 'Signed out', count: 2 },
    },
    {
      rule: 'offline outranks pending edits and notices',
      state: { offlineSince: 100, pending: 2, notice: conflict },
      status: { status: 'offline', since: 100, count: 2 },
    },
    {
      rule: 'pending edits outrank the last notice',
      state: { pending: 1, notice: refusal },
      status: { status: 'pending', count: 1 },
    },
    {
      rule: 'the last refusal, once nothing is pending',
      state: { notice: refusal },
      status: { status: 'error', reason: refusal.reason, count: 0 },
    },
    {
      rule: 'the last conflict, once nothing is pending',
      state: { notice: conflict },
      status: { status: 'conflictResolved', overridden: conflict.overridden, at: 400 },
    },
    {
      rule: 'synced, with when, when there is nothing to say',
      state: {},
      status: { status: 'synced', at: 500 },
    },
    {
      rule: 'synced with no time before the first complete pass',
      state: { lastSyncedAt: null },
      status: { status: 'synced', at: null },
    },
  ];

  it.each(cases)('$rule', ({ state, status }) => {
    expect(syncStatusOf({ ...quiet, ...state })).toEqual(status);
  });
});
