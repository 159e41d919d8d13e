import { basename } from 'node:path';
import type { HealthNotice } from '../../common';
import type { Logger } from './ports';
import { damageWords, openOrRecoverStore, type Store, type StoreRecovery } from './store';

/** What the facade needs to tell a profile held by another process (companion.ts). */
export { profileInUseMessage, StoreLockedError } from './store';

/** "1 settings change" / "2 settings changes". */
function settingsChanges(count: number): string {
  return `${count} settings ${count === 1 ? 'change' : 'changes'}`;
}

/**
 * The one sentence a person is told after a damaged store was replaced (issue 16): what was
 * wrong, where the file went, that the fresh one is filled from the service, and what became
 * of the settings edits that had not reached it.
 */
export function storeRecoveredMessage(recovery: StoreRecovery): string {
  const parts = [
    `Ringside's local database was damaged (${damageWords[recovery.damage]}), so it was set ` +
      `aside as ${basename(recovery.movedTo)} and a fresh one is being filled from the service`,
  ];
  if (recovery.recovered > 0) {
    parts.push(
      `${settingsChanges(recovery.recovered)} made offline ${recovery.recovered === 1 ? 'was' : 'were'} recovered and will sync`,
    );
  }
  if (recovery.lost === null) {
    parts.push('any settings changes made offline could not be recovered');
  } else if (recovery.lost > 0) {
    parts.push(`${settingsChanges(recovery.lost)} made offline could not be recovered`);
  }
  return `${parts.join('; ')}.`;
}

/**
 * Opens the user's store for a session through the storage port, replacing it when damaged
 * (`openOrRecoverStore`): the notice to show for the whole session says so (null when the store
 * opened as it was). A lock held elsewhere and a database from a newer app are thrown.
 */
export function openSessionStore(options: {
  open: (where: { dataDir: string; userId: string }) => Store;
  dataDir: string;
  userId: string;
  now: number;
  logger: Logger;
}): { store: Store; notice: HealthNotice | null } {
  const { store, recovery } = openOrRecoverStore({
    where: { dataDir: options.dataDir, userId: options.userId },
    open: options.open,
    now: options.now,
  });
  if (!recovery) return { store, notice: null };
  const message = storeRecoveredMessage(recovery);
  options.logger.warn(message, {
    damage: recovery.damage,
    detail: recovery.detail,
    movedTo: recovery.movedTo,
    recovered: recovery.recovered,
    lost: recovery.lost,
  });
  return { store, notice: { code: 'storeRecovered', message } };
}
