import { create } from 'zustand';
import type { Section, SessionSnapshot } from '../../common/ipc-contract';
import type { Profile } from '../../common/service-api';
import type { ConnectionState, HealthNotice, SyncStatus } from '../../common/status';
import { api, call } from '../api';

/** Who is signed in, the connection, the sync status and health notices. */
export interface SessionState {
  profile: Profile | null;
  connection: ConnectionState;
  sync: SyncStatus;
  health: HealthNotice[];
  loadError: string | null;
  /** The section main asked to open (a notification click), with the item to highlight. */
  navigation: { section: Section; itemId: string | null } | null;
  load: () => Promise<void>;
  applySnapshot: (snapshot: SessionSnapshot) => void;
  setConnection: (connection: ConnectionState) => void;
  setSync: (sync: SyncStatus) => void;
  setHealth: (health: HealthNotice[]) => void;
  navigate: (section: Section, itemId: string | null) => void;
}

export const useSessionStore = create<SessionState>()((set) => ({
  profile: null,
  connection: { status: 'connecting' },
  sync: { status: 'synced', at: null },
  health: [],
  loadError: null,
  navigation: null,
  async load() {
    const result = await call(() => api().getSession());
    if (result.ok) set({ loadError: null, ...snapshotFields(result.value) });
    else set({ loadError: result.error.message });
  },
  applySnapshot: (snapshot) => set(snapshotFields(snapshot)),
  setConnection: (connection) => set({ connection }),
  setSync: (sync) => set({ sync }),
  setHealth: (health) => set({ health }),
  navigate: (section, itemId) => set({ navigation: { section, itemId } }),
}));

function snapshotFields(snapshot: SessionSnapshot) {
  return {
    profile: snapshot.profile,
    connection: snapshot.connection,
    sync: snapshot.sync,
    health: snapshot.health,
  };
}
