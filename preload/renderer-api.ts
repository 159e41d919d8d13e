import type { RendererApi } from '../common';
import type { TypedIpcRenderer } from './ipc-renderer';

/**
 * `window.api`: one named method per invoke call, `ready()`, and one `on…` per event (Actual's
 * preload). No generic `send` or `invoke(channel)`: a compromised page can only do what these
 * methods do. `satisfies RendererApi` makes the compiler check both ends against the contract.
 */
export function createRendererApi(ipc: TypedIpcRenderer) {
  return {
    getSession: () => ipc.invoke('getSession', undefined),
    getPreferences: () => ipc.invoke('getPreferences', undefined),
    updatePreferences: (args) => ipc.invoke('updatePreferences', args),
    updateBusinessDefaults: (args) => ipc.invoke('updateBusinessDefaults', args),
    muteLine: (args) => ipc.invoke('muteLine', args),
    unmuteLine: (args) => ipc.invoke('unmuteLine', args),
    setDoNotDisturb: (args) => ipc.invoke('setDoNotDisturb', args),
    listActivity: (args) => ipc.invoke('listActivity', args),
    listNotifications: (args) => ipc.invoke('listNotifications', args),
    markNotificationsRead: (args) => ipc.invoke('markNotificationsRead', args),
    diagnose: (args) => ipc.invoke('diagnose', args),
    sendTestNotification: (args) => ipc.invoke('sendTestNotification', args),
    getTeam: () => ipc.invoke('getTeam', undefined),
    updateMemberPreferences: (args) => ipc.invoke('updateMemberPreferences', args),
    openExternal: (args) => ipc.invoke('openExternal', args),
    ready: () => ipc.ready(),
    onConnectionChanged: (listener) => ipc.subscribe('connectionChanged', listener),
    onSyncChanged: (listener) => ipc.subscribe('syncChanged', listener),
    onPreferencesChanged: (listener) => ipc.subscribe('preferencesChanged', listener),
    onActivityAdded: (listener) => ipc.subscribe('activityAdded', listener),
    onNotificationsChanged: (listener) => ipc.subscribe('notificationsChanged', listener),
    onHealthChanged: (listener) => ipc.subscribe('healthChanged', listener),
    onNavigate: (listener) => ipc.subscribe('navigate', listener),
    onCatchUpChanged: (listener) => ipc.subscribe('catchUpChanged', listener),
  } satisfies RendererApi;
}
