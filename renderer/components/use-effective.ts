import { useMemo } from 'react';
import type { RecipientContext } from '../../common/policy/context';
import { windowContext } from '../effective';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';
import { useNow } from './use-now';

/**
 * The policy's context for the signed-in person as the window knows it now (refreshed every
 * 30 s, so a quiet window or a mute that ends shows ended), or null before both snapshots load.
 */
export function useWindowContext(): RecipientContext | null {
  const profile = useSessionStore((state) => state.profile);
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const now = useNow();
  return useMemo(
    () => (profile && snapshot ? windowContext(profile, snapshot, now) : null),
    [profile, snapshot, now],
  );
}
