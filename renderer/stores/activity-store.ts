import { create } from 'zustand';
import type { AlertType } from '../../common/alert-types';
import type { Diagnosis } from '../../common/policy/context';
import type { ActivityItem } from '../../common/status';
import { api, call } from '../api';

/** How many recent events the Activity list keeps. */
export const activityLimit = 100;

/** Recent events with their decisions, and the last "Why am I not getting …?" answer. */
export interface ActivityState {
  items: ActivityItem[];
  loadError: string | null;
  diagnosis: { alertType: AlertType; result: Diagnosis | null; error: string | null } | null;
  load: () => Promise<void>;
  add: (item: ActivityItem) => void;
  diagnose: (alertType: AlertType) => Promise<void>;
}

export const useActivityStore = create<ActivityState>()((set, get) => ({
  items: [],
  loadError: null,
  diagnosis: null,
  async load() {
    const result = await call(() => api().listActivity({ limit: activityLimit }));
    if (!result.ok) {
      set({ loadError: result.error.message });
      return;
    }
    // Events that arrived while the list loaded are kept, each once.
    const known = new Set(result.value.map((item) => item.eventId));
    const arrived = get().items.filter((item) => !known.has(item.eventId));
    set({
      items: [...arrived, ...sortNewestFirst(result.value)].slice(0, activityLimit),
      loadError: null,
    });
  },
  add(item) {
    const items = get().items;
    const index = items.findIndex((existing) => existing.eventId === item.eventId);
    // The same event again (the service reported on a local alert): its row is replaced in place.
    if (index >= 0) set({ items: items.map((existing, at) => (at === index ? item : existing)) });
    else set({ items: [item, ...items].slice(0, activityLimit) });
  },
  async diagnose(alertType) {
    set({ diagnosis: { alertType, result: null, error: null } });
    const result = await call(() => api().diagnose({ alertType }));
    set({
      diagnosis: result.ok
        ? { alertType, result: result.value, error: null }
        : { alertType, result: null, error: result.error.message },
    });
  },
}));

function sortNewestFirst(items: readonly ActivityItem[]): ActivityItem[] {
  return [...items].sort((first, second) => second.decidedAt - first.decidedAt);
}
