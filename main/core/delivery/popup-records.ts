import type { PopupRecord } from '../../../common';
import type { Clock, Logger } from '../ports';
import type { ProcessedEventRepository } from '../store/repositories';

/**
 * Most events a pop-up's record is written for at once (~5 ms of SQLite); a pop-up that stands
 * for more (the summary at the end of a long catch-up) is recorded in turns.
 */
const marksAtOnce = 2_000;

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
  readonly #events: Pick<
    ProcessedEventRepository,
    'markNotified' | 'flushMarks' | 'markNotifiedInTurns'
  >;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #listeners = new Set<(settled: readonly SettledDelivery[]) => void>();

  constructor(options: {
    events: Pick<ProcessedEventRepository, 'markNotified' | 'flushMarks' | 'markNotifiedInTurns'>;
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
   * again at the next start and settled then. A pop-up that stands for more than
   * `marksAtOnce` events (the end of a long catch-up) is recorded and settled a slice per turn
   * of the event loop, so the loop is never held long; the next pop-up waits for the last slice
   * (rule 4, main/core/event-batch.ts).
   */
  record(ids: readonly string[], popup: PopupRecord): void {
    if (ids.length === 0) return;
    const now = this.#clock.now();
    if (ids.length > marksAtOnce) {
      this.#events.markNotifiedInTurns(ids, now, popup, (written) => {
        if (written) this.settle(written, popup);
        else this.#logger.error('Recording pop-ups failed', { count: ids.length });
      });
      return;
    }
    for (const id of ids) this.#events.markNotified(id, now, popup);
    if (this.#events.flushMarks()) this.settle(ids, popup);
    else this.#logger.error('Recording pop-ups failed', { count: ids.length });
  }

  /** Tells the listeners these deliveries are settled (their records, if any, are written). */
  settle(ids: readonly string[], popup: PopupRecord | null): void {
    if (this.#listeners.size === 0 || ids.length === 0) return;
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
