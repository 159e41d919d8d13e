import type { AlertEvent, InAppNotification } from '../../../common';
import { ObservableValue, type Clock, type Logger, type Observable } from '../ports';
import type { InAppNotificationRepository } from '../store/repositories';

/**
 * The in-app list as delivery's second sink: every item added once (the store ignores an id it
 * holds, so a retried batch or a re-raise adds no duplicate and a rolled-back one loses none),
 * and `unread` kept current. A write that fails throws: inside a batch it must roll the batch
 * back (main/core/event-batch.ts, rule 7); outside one the caller logs it.
 */
export class InAppList {
  readonly #notifications: InAppNotificationRepository;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #unread: ObservableValue<number>;
  /** A recount of unread items is queued for the end of this turn. */
  #recountQueued = false;

  constructor(options: {
    notifications: InAppNotificationRepository;
    logger: Logger;
    clock: Clock;
  }) {
    this.#notifications = options.notifications;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#unread = new ObservableValue(this.#unreadCount(0));
  }

  /** Unread items. */
  get unread(): Observable<number> {
    return this.#unread;
  }

  /** Adds an item, unless one with its id is listed already. */
  add(item: InAppNotification): void {
    this.#notifications.add(item);
    this.#recountSoon();
  }

  /** Adds an item, or rewrites the words of the one with its id (a call found missed). */
  put(item: InAppNotification): void {
    this.#notifications.put(item);
    this.#recountSoon();
  }

  /**
   * Rewrites what a listed item says (a ringing call answered, or missed), unread again. False
   * when no item has this id. Inside a batch a failure throws (the batch rolls back).
   */
  update(id: string, text: { title: string; body: string }): boolean {
    const changed = this.#notifications.update(id, { title: text.title, body: text.body });
    if (changed) this.#recountSoon();
    return changed;
  }

  /** The item of an event (its id is the event's): what it says, and why it was quiet. */
  itemOf(
    event: AlertEvent,
    text: { title: string; body: string },
    quietReason: string | null,
  ): InAppNotification {
    return {
      id: event.id,
      eventId: event.id,
      title: text.title,
      body: text.body,
      createdAt: this.#clock.now(),
      read: false,
      quietReason,
      kind: event.kind,
    };
  }

  /** `add` (or `put`) outside any batch (after a pop-up, at start): a failure is logged. */
  addLogged(item: InAppNotification, how: 'add' | 'put' = 'add'): void {
    try {
      if (how === 'put') this.put(item);
      else this.add(item);
    } catch (error) {
      this.#logger.error('Adding an in-app item failed', { id: item.id, error: String(error) });
    }
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
   * Every change of the count is sent to the window (the count itself is a maintained counter,
   * one row): a burst of 1,000 items costs one read and one update at the end of the turn.
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
