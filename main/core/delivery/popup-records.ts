import type { PopupRecord } from '../../../common';
import type { Clock, Logger } from '../ports';
import type { ProcessedEventRepository } from '../store/repositories';

/** What became of one delivered event, once nothing about it is left to do. */
export interface SettledDelivery {
  eventId: string;
  /** The pop-up's record, when one was owed; null when none was. */
  popup: PopupRecord | null;
}

/**
 * What became of each pop-up, written with its event, and the settled deliveries that follow:
 * what listeners hear (`onSettled`) is on disk.
 */
export class PopupRecords {
  readonly #events: Pick<ProcessedEventRepository, 'markNotified' | 'flushMarks'>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #listeners = new Set<(settled: readonly SettledDelivery[]) => void>();

  constructor(options: {
    events: Pick<ProcessedEventRepository, 'markNotified' | 'flushMarks'>;
    clock: Clock;
    logger: Logger;
  }) {
    this.#events = options.events;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  onSettled(listener: (settled: readonly SettledDelivery[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Records what became of the pop-up of these events, outside any batch, and settles them once
   * the record is written. A record that cannot be written is not settled; the pop-up is raised
   * again at the next start and settled then.
   */
  record(ids: readonly string[], popup: PopupRecord): void {
    if (ids.length === 0) return;
    const now = this.#clock.now();
    for (const id of ids) this.#events.markNotified(id, now, popup);
    if (this.#events.flushMarks()) this.settle(ids, popup);
    else this.#logger.error('Recording pop-ups failed', { count: ids.length });
  }

  /** Tells the listeners these deliveries are settled (their records, if any, are written). */
  settle(ids: readonly string[], popup: PopupRecord | null): void {
    if (this.#listeners.size === 0) return;
    const settled = ids.map((eventId) => ({ eventId, popup }));
    for (const listener of [...this.#listeners]) {
      try {
        listener(settled);
      } catch (error) {
        this.#logger.error('A settled-delivery listener failed', { error: String(error) });
      }
    }
  }
}
