import type { InAppNotification } from '../../../common';
import { ObservableValue, type Logger, type Observable } from '../ports';
import type { InAppNotificationRepository } from '../store/repositories';
import { RecentSet } from './recent-set';

/** How many item ids are remembered, so a redelivery (a restart's re-raise) adds no duplicate. */
const itemMemory = 20_000;

/**
 * The in-app list as delivery's second sink: every item added once, `unread` kept current, and a
 * failing store logged rather than thrown at the caller.
 */
export class InAppList {
  readonly #notifications: InAppNotificationRepository;
  readonly #logger: Logger;
  readonly #unread: ObservableValue<number>;
  readonly #added = new RecentSet(itemMemory);
  /** A recount of unread items is queued for the end of this turn. */
  #recountQueued = false;

  constructor(options: { notifications: InAppNotificationRepository; logger: Logger }) {
    this.#notifications = options.notifications;
    this.#logger = options.logger;
    this.#unread = new ObservableValue(this.#unreadCount(0));
  }

  /** Unread items. */
  get unread(): Observable<number> {
    return this.#unread;
  }

  /** Adds an item, unless one with its id was added already. */
  add(item: InAppNotification): void {
    if (this.#added.has(item.id)) return;
    this.#added.add(item.id);
    try {
      this.#notifications.add(item);
    } catch (error) {
      this.#logger.error('Adding an in-app item failed', { id: item.id, error: String(error) });
    }
    this.#recountSoon();
  }

  /** Marks items read and refreshes `unread`; returns how many changed. */
  markRead(ids: readonly string[]): number {
    let changed = 0;
    try {
      changed = this.#notifications.markRead(ids);
    } catch (error) {
      this.#logger.error('Marking in-app items read failed', { error: String(error) });
    }
    this.#unread.set(this.#unreadCount(this.#unread.get()));
    return changed;
  }

  /**
   * Counting unread items scans the list, and every change is sent to the window: a burst of
   * 1,000 items costs one count and one update at the end of the turn, not 1,000.
   */
  #recountSoon(): void {
    if (this.#recountQueued) return;
    this.#recountQueued = true;
    queueMicrotask(() => {
      this.#recountQueued = false;
      this.#unread.set(this.#unreadCount(this.#unread.get()));
    });
  }

  #unreadCount(fallback: number): number {
    try {
      return this.#notifications.unreadCount();
    } catch {
      return fallback;
    }
  }
}
