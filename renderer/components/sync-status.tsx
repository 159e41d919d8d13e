import type { ConnectionState, SyncStatus } from '../../common/status';
import { describeInstant } from '../../common/time-zone';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';
import { useNow } from './use-now';

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
      return sync.at === null ? 'Synced' : `Synced at ${describeInstant(sync.at, now, timeZone)}`;
    case 'pending':
      return `Pending ${sync.count} ${sync.count === 1 ? 'change' : 'changes'}`;
    case 'offline':
      return `Offline since ${describeInstant(sync.since, now, timeZone)}${sync.count > 0 ? `, pending ${sync.count}` : ''}`;
    case 'conflictResolved':
      return `Conflict resolved: ${sync.overridden
        .map(
          (edit) =>
            `your ${describeField(edit.field)} (${formatValue(edit.yours)}) was overridden by ${formatValue(edit.theirs)}`,
        )
        .join('; ')}`;
    case 'error':
      return `Sync error: ${sync.reason}${sync.count > 0 ? ` (${sync.count} pending)` : ''}`;
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
      return `Reconnecting in ${Math.ceil(connection.inSeconds)} s (${connection.reason})`;
    case 'offline':
      return `Offline since ${describeInstant(connection.since, now, timeZone)}: ${connection.reason}`;
    case 'refused':
      return `Signed out: ${connection.reason}`;
  }
}

/** Always visible at the top of the window: connection and sync. */
export function SyncStatusBar() {
  const sync = useSessionStore((state) => state.sync);
  const connection = useSessionStore((state) => state.connection);
  const health = useSessionStore((state) => state.health);
  const timeZone = usePreferencesStore((state) => state.snapshot?.preferences.timeZone ?? 'UTC');
  const now = useNow(5_000);
  return (
    <div className="status-bar">
      <p
        className={`sync-status sync-${sync.status}`}
        role="status"
        aria-live="polite"
        data-testid="sync-status"
      >
        {describeSync(sync, now, timeZone)}
      </p>
      <p
        className={`connection-status connection-${connection.status}`}
        data-testid="connection-status"
      >
        {describeConnection(connection, now, timeZone)}
      </p>
      {health.map((notice) => (
        <p key={notice.code} className="health-notice" role="alert">
          {notice.message}
        </p>
      ))}
    </div>
  );
}
