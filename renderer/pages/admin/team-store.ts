import { create } from 'zustand';
import type { Team } from '../../../common/team-api';
import type { UserPreferences } from '../../../common/preferences';
import { api, call } from '../../api';

/** How often the team view asks again while it is open: presence and mutes change by themselves. */
export const teamRefreshMilliseconds = 10_000;

interface TeamState {
  team: Team | null;
  /** When the shown team was loaded (the window's clock), for "updated N s ago". */
  loadedAt: number | null;
  error: string | null;
  /** Per member: the last write's refusal. */
  memberErrors: Record<string, string>;
  load: () => Promise<void>;
  /** Writes a member's preferences (the admin route), then reloads the team. */
  updateMember: (userId: string, edit: (draft: UserPreferences) => void) => Promise<void>;
}

export const useTeamStore = create<TeamState>((set, get) => ({
  team: null,
  loadedAt: null,
  error: null,
  memberErrors: {},
  async load() {
    const result = await call(() => api().getTeam());
    if (result.ok) set({ team: result.value, loadedAt: Date.now(), error: null });
    else set({ error: result.error.message });
  },
  async updateMember(userId, edit) {
    const member = get().team?.members.find((each) => each.user.id === userId);
    if (!member) return;
    const preferences = structuredClone(member.preferences);
    edit(preferences);
    // Shown at once; the reload after the write shows what the service kept (a refusal reverts).
    const team = get().team;
    if (team) {
      set({
        team: {
          ...team,
          members: team.members.map((each) =>
            each.user.id === userId ? { ...each, preferences } : each,
          ),
        },
      });
    }
    const result = await call(() =>
      api().updateMemberPreferences({ userId, version: member.preferencesVersion, preferences }),
    );
    const memberErrors = { ...get().memberErrors };
    if (result.ok) delete memberErrors[userId];
    else memberErrors[userId] = result.error.message;
    set({ memberErrors });
    await get().load();
  },
}));
