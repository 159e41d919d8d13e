import { create } from 'zustand';
import type { SessionSnapshot } from '../../common/ipc-contract';
import type { Profile } from '../../common/service-api';
import type {
  CatchUpProgress,
  ConnectionState,
  HealthNotice,
  SyncStatus,
} from '../../common/status';
import { api, call } from '../api';
import { useNotificationsStore } from './notifications-store';

/** Who is signed in, the connection, the sync status, health notices and a catch-up's progress. */
export interface SessionState {
  profile: Profile | null;
  connection: ConnectionState;
  sync: SyncStatus;
  health: HealthNotice[];
  /** A catch-up after a reconnect, while it runs (`catchUpChanged`); null otherwise. */
  catchUp: CatchUpProgress | null;
  loadError: string | null;
  load: () => Promise<void>;
  applySnapshot: (snapshot: SessionSnapshot) => void;
  setConnection: (connection: ConnectionState) => void;
  setSync: (sync: SyncStatus) => void;
  setHealth: (health: HealthNotice[]) => void;
  setCatchUp: (catchUp: CatchUpProgress | null) => void;
}

export const useSessionStore = create<SessionState>()((set) => ({
  profile: null,
  connection: { status: 'connecting' },
  sync: { status: 'synced', at: null },
  health: [],
  catchUp: null,
  loadError: null,
  async load() {
    const result = await call(() => api().getSession());
    if (!result.ok) {
      set({ loadError: result.error.message });
      return;
    }
    set({ loadError: null, ...snapshotFields(result.value) });
    // The count from the moment the window opens, not from the next alert.
    useNotificationsStore.getState().setUnread(result.value.unread);
  },
  applySnapshot(snapshot) {
    set(snapshotFields(snapshot));
    useNotificationsStore.getState().setUnread(snapshot.unread);
  },
  setConnection: (connection) => set({ connection }),
  setSync: (sync) => set({ sync }),
  setHealth: (health) => set({ health }),
  setCatchUp: (catchUp) => set({ catchUp }),
}));

function snapshotFields(snapshot: SessionSnapshot) {
  return {
    profile: snapshot.profile,
    connection: snapshot.connection,
    sync: snapshot.sync,
    health: snapshot.health,
  };
}
