import type { ConnectionState, SyncStatus } from '../../common/status';
import { clockTime } from '../time-format';

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A settings field path in words: "businessDefaults.leadScoreThreshold" → "business lead score threshold". */
export function describeField(path: string): string {
  return path
    .replace(/^businessDefaults\./, 'business ')
    .replace(/\./g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

/** The sync status in words. */
export function describeSync(sync: SyncStatus, now: number, timeZone: string): string {
  switch (sync.status) {
    case 'synced':
      return sync.at === null ? 'Synced' : `Synced at ${clockTime(sync.at, now, timeZone)}`;
    case 'pending':
      return `${sync.count} ${sync.count === 1 ? 'edit' : 'edits'} waiting to sync`;
    case 'offline':
      return `Not synced since ${clockTime(sync.since, now, timeZone)}${sync.count > 0 ? `: ${sync.count} ${sync.count === 1 ? 'edit' : 'edits'} waiting` : ''}`;
    case 'conflictResolved':
      return `Synced. Another device's change was kept: ${sync.overridden
        .map(
          (edit) =>
            `${describeField(edit.field)} is ${formatValue(edit.theirs)} (yours was ${formatValue(edit.yours)})`,
        )
        .join('; ')}`;
    case 'error':
      return `Sync error: ${sync.reason}${sync.count > 0 ? ` (${sync.count} waiting)` : ''}`;
  }
}

export function describeConnection(
  connection: ConnectionState,
  now: number,
  timeZone: string,
): string {
  switch (connection.status) {
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return `Reconnecting in ${Math.ceil(connection.inSeconds)} s`;
    case 'offline':
      return `Offline since ${clockTime(connection.since, now, timeZone)}: ${connection.reason}`;
    case 'refused':
      return `Signed out: ${connection.reason}`;
  }
}
