import { create } from 'zustand';
import type {
  DoNotDisturbArgs,
  MuteDuration,
  PreferencesSnapshot,
} from '../../common/ipc-contract';
import type { BusinessDefaults, UserPreferences } from '../../common/preferences';
import { api, call, type CallError } from '../api';

/**
 * The preferences snapshot from `getPreferences`, and one error per control. Every edit sends the
 * FULL edited document (`updatePreferences({ preferences })`); the core diffs the fields. Edits
 * show at once and roll back, with the reason next to the control, when refused.
 */
export interface PreferencesState {
  snapshot: PreferencesSnapshot | null;
  loadError: string | null;
  /** Keyed by the control that made the edit ("channels.text.customNumber", "mute:line-1"). */
  errors: Record<string, string>;
  load: () => Promise<void>;
  applySnapshot: (snapshot: PreferencesSnapshot) => void;
  /** Edits a copy of the preferences with `recipe` and sends the whole document. */
  update: (control: string, recipe: (preferences: UserPreferences) => void) => Promise<boolean>;
  updateBusiness: (
    control: string,
    recipe: (defaults: BusinessDefaults) => void,
  ) => Promise<boolean>;
  muteLine: (lineId: string, duration: MuteDuration) => Promise<boolean>;
  unmuteLine: (lineId: string) => Promise<boolean>;
  /** On for a duration or until a chosen instant; `{ duration: null }` ends it. */
  setDoNotDisturb: (args: DoNotDisturbArgs) => Promise<boolean>;
  setError: (control: string, message: string | null) => void;
}

function describe(error: CallError): string {
  if (error.fields.length === 0) return error.message;
  return `${error.message} (${error.fields.map((field) => `${field.path}: ${field.message}`).join('; ')})`;
}

export const usePreferencesStore = create<PreferencesState>()((set, get) => {
  function withoutError(control: string) {
    const errors = { ...get().errors };
    delete errors[control];
    return errors;
  }

  async function send(
    control: string,
    optimistic: PreferencesSnapshot | null,
    run: () => ReturnType<typeof call<PreferencesSnapshot>>,
  ): Promise<boolean> {
    const before = get().snapshot;
    if (optimistic) set({ snapshot: optimistic });
    const result = await run();
    if (result.ok) {
      set({ snapshot: result.value, errors: withoutError(control) });
      return true;
    }
    set({ snapshot: before, errors: { ...get().errors, [control]: describe(result.error) } });
    return false;
  }

  return {
    snapshot: null,
    loadError: null,
    errors: {},
    async load() {
      const result = await call(() => api().getPreferences());
      if (result.ok) set({ snapshot: result.value, loadError: null });
      else set({ loadError: result.error.message });
    },
    applySnapshot: (snapshot) => set({ snapshot }),
    async update(control, recipe) {
      const current = get().snapshot;
      if (!current) return false;
      const preferences = structuredClone(current.preferences);
      recipe(preferences);
      return send(control, { ...current, preferences }, () =>
        call(() => api().updatePreferences({ preferences })),
      );
    },
    async updateBusiness(control, recipe) {
      const current = get().snapshot;
      if (!current) return false;
      const defaults = structuredClone(current.business);
      recipe(defaults);
      return send(control, { ...current, business: defaults }, () =>
        call(() => api().updateBusinessDefaults({ defaults })),
      );
    },
    muteLine: (lineId, duration) =>
      send(`mute:${lineId}`, null, () => call(() => api().muteLine({ lineId, duration }))),
    unmuteLine: (lineId) =>
      send(`mute:${lineId}`, null, () => call(() => api().unmuteLine({ lineId }))),
    setDoNotDisturb: (args) =>
      send('doNotDisturb', null, () => call(() => api().setDoNotDisturb(args))),
    setError(control, message) {
      set({
        errors: message === null ? withoutError(control) : { ...get().errors, [control]: message },
      });
    },
  };
});
