import type { RendererApi } from '../common/ipc-contract';
import { pageOfSection, useRouteStore } from './routing';
import { useActivityStore } from './stores/activity-store';
import { useNotificationsStore } from './stores/notifications-store';
import { usePreferencesStore } from './stores/preferences-store';
import { useSessionStore } from './stores/session-store';

/**
 * The ONE place that subscribes to main→renderer events (`window.api.on…`) and feeds them into
 * the stores. Components read stores; they never subscribe to the bridge themselves. Subscribes
 * first, then tells main it is `ready()` (main holds events back until then), then loads the
 * snapshots. Returns a function that unsubscribes everything.
 */
export function connectBridgeEvents(bridge: RendererApi): () => void {
  const unsubscribers = [
    bridge.onConnectionChanged((connection) =>
      useSessionStore.getState().setConnection(connection),
    ),
    bridge.onSyncChanged((sync) => useSessionStore.getState().setSync(sync)),
    bridge.onHealthChanged((health) => useSessionStore.getState().setHealth(health)),
    bridge.onCatchUpChanged((progress) => useSessionStore.getState().setCatchUp(progress)),
    bridge.onNavigate(({ section, itemId }) =>
      useRouteStore.getState().go({ page: pageOfSection(section), itemId }),
    ),
    bridge.onPreferencesChanged((snapshot) =>
      usePreferencesStore.getState().applySnapshot(snapshot),
    ),
    bridge.onActivityAdded((item) => useActivityStore.getState().add(item)),
    bridge.onNotificationsChanged(({ unread }) =>
      useNotificationsStore.getState().listChanged(unread),
    ),
  ];
  bridge.ready();
  void useSessionStore.getState().load();
  void usePreferencesStore.getState().load();
  void useActivityStore.getState().load();
  void useNotificationsStore.getState().load();
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
