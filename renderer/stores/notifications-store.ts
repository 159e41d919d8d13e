import { create } from 'zustand';
import type { Channel } from '../../common/alert-types';
import type { TestNotificationResult } from '../../common/service-api';
import type { InAppNotification } from '../../common/status';
import { api, call } from '../api';

export type TestOutcome =
  | { state: 'sending' }
  | { state: 'done'; result: TestNotificationResult }
  | { state: 'failed'; message: string };

/** The in-app notification list, the unread count, and the result of each test notification. */
export interface NotificationsState {
  items: InAppNotification[];
  unread: number;
  /** The list has loaded once: a missing item is then really missing. */
  loaded: boolean;
  tests: Partial<Record<Channel, TestOutcome>>;
  load: () => Promise<void>;
  setUnread: (unread: number) => void;
  /**
   * Main says the list changed (`notificationsChanged`): an item added, read, or rewritten (a
   * ringing call answered, missed or rung out), which leaves the count as it was.
   */
  listChanged: (unread: number) => void;
  markAllRead: () => Promise<void>;
  markRead: (ids: readonly string[]) => Promise<void>;
  sendTest: (channel: Channel) => Promise<void>;
}

export const useNotificationsStore = create<NotificationsState>()((set, get) => ({
  items: [],
  unread: 0,
  loaded: false,
  tests: {},
  async load() {
    const result = await call(() => api().listNotifications({ limit: 200 }));
    if (result.ok) set({ items: result.value, loaded: true });
  },
  setUnread(unread) {
    const changed = unread !== get().unread;
    set({ unread });
    // The count says something new arrived or was read elsewhere: refresh the list to match.
    if (changed) void get().load();
  },
  listChanged(unread) {
    set({ unread });
    void get().load();
  },
  async markAllRead() {
    await get().markRead(
      get()
        .items.filter((item) => !item.read)
        .map((item) => item.id),
    );
  },
  async markRead(ids) {
    if (ids.length === 0) return;
    const wanted = new Set(ids);
    // Shown read at once; the core's count (`notificationsChanged`) follows.
    set({
      items: get().items.map((item) => (wanted.has(item.id) ? { ...item, read: true } : item)),
    });
    const result = await call(() => api().markNotificationsRead({ ids: [...ids] }));
    if (result.ok) await get().load();
  },
  async sendTest(channel) {
    set({ tests: { ...get().tests, [channel]: { state: 'sending' } } });
    const result = await call(() => api().sendTestNotification({ channel }));
    const outcome: TestOutcome = result.ok
      ? { state: 'done', result: result.value }
      : { state: 'failed', message: result.error.message };
    set({ tests: { ...get().tests, [channel]: outcome } });
  },
}));
