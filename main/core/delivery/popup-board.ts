import type { AlertEvent } from '../../../common';
import type {
  NotifierPort,
  PopupClosedEvent,
  PopupContent,
  PopupHandle,
  PopupResult,
} from '../ports';

/** What became of one hand-off: the events it showed for the first time, and the result. */
export interface HandOff {
  events: readonly AlertEvent[];
  result: PopupResult;
}

interface Entry {
  handle: PopupHandle | null;
  /** What it says now (shown again when the daemon dropped it, below). */
  content: PopupContent;
  /** The daemon took it off the screen on its own though it never expires (see `#closed`). */
  dropped: boolean;
  /** The hand-offs of this pop-up, one after the other: an update never overtakes its show. */
  chain: Promise<void>;
  /**
   * How many of its group's events a hand-off of this pop-up already carried (recorded once
   * each). A pop-up is handed its whole group so far, oldest first, each time (the policy's
   * `show`/`update`): the carried ones are a prefix, so a count, not a set of 90,000 ids built
   * in one step at the end of a long catch-up.
   */
  carried: number;
  /** Hand-offs started and not settled: with none, the next one reaches the notifier at once. */
  pending: number;
}

/** The events of `events` no hand-off of `entry` carried before, counted as carried now. */
function carry(entry: Entry, events: readonly AlertEvent[]): readonly AlertEvent[] {
  if (events.length <= entry.carried) return [];
  const fresh = entry.carried === 0 ? events : events.slice(entry.carried);
  entry.carried = events.length;
  return fresh;
}

/**
 * The pop-ups on the screen, by the coalescing policy's key: what `show`, `update` and `stop`
 * do to the notifier, one after the other per pop-up, so a replace or close waits for the show
 * whose handle it needs (a call answered while its pop-up is still being shown). The notifier
 * is the event batch's (main/core/event-batch.ts), so each call also waits for its commit and
 * its turn.
 *
 * A pop-up that never expires (a ringing call) reported closed as expired was dropped by the
 * daemon itself: dunst (`stack_duplicates`, its default) folds a pop-up into a newer one with
 * the same words — two calls from one number ringing at once — and closing that newer one
 * (its call answered) would leave the other call ringing with nothing on screen. Such a pop-up
 * is shown again once the next `stop` is done, while its own call still rings.
 */
export class PopupBoard {
  readonly #notifier: NotifierPort;
  readonly #entries = new Map<string, Entry>();
  readonly #handedOff: (handOff: HandOff) => void;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #unsubscribe: () => void;

  /** `handedOff` hears every show and update, once it settled (recording, health). */
  constructor(notifier: NotifierPort, handedOff: (handOff: HandOff) => void) {
    this.#notifier = notifier;
    this.#handedOff = handedOff;
    this.#unsubscribe = notifier.onClosed((event) => this.#closed(event));
  }

  /** Whether a pop-up is (or is being) shown under `key`. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** A new pop-up under `key` (one under the same key before is forgotten, not closed). */
  show(key: string, content: PopupContent, events: readonly AlertEvent[]): void {
    this.#then(this.#open(key, content), () => this.#notifier.show(content), events);
  }

  /**
   * What `show` or `update` would do while pop-ups cannot show at all: nothing reaches the
   * notifier; returns the events no hand-off under `key` carried before (each is listed and
   * recorded once, however often its group changes meanwhile). The group's next update, once
   * pop-ups are back, shows it anew.
   */
  hold(
    how: 'show' | 'update',
    key: string,
    content: PopupContent,
    events: readonly AlertEvent[],
  ): readonly AlertEvent[] {
    const entry = (how === 'update' && this.#entries.get(key)) || this.#open(key, content);
    entry.content = content;
    return carry(entry, events);
  }

  #open(key: string, content: PopupContent): Entry {
    const entry: Entry = {
      handle: null,
      content,
      dropped: false,
      chain: Promise.resolve(),
      carried: 0,
      pending: 0,
    };
    this.#entries.set(key, entry);
    return entry;
  }

  /** The pop-up of `key` says `content` now, in place (shown anew when it has none). */
  update(key: string, content: PopupContent, events: readonly AlertEvent[]): void {
    const entry = this.#entries.get(key);
    if (!entry) {
      this.show(key, content, events);
      return;
    }
    entry.content = content;
    entry.dropped = false;
    this.#then(
      entry,
      () =>
        entry.handle ? this.#notifier.replace(entry.handle, content) : this.#notifier.show(content),
      events,
    );
  }

  /**
   * The pop-up of `key` is over: replaced by `content` (a missed call), or closed when null
   * (answered). Nothing when no pop-up has that key. The key is free again at once.
   */
  stop(key: string, content: PopupContent | null): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#after(entry, async () => {
      if (entry.handle) {
        if (content) await this.#notifier.replace(entry.handle, content);
        else await this.#notifier.close(entry.handle);
      }
      // After its own show settled: a daemon says what it dropped before it answers that show.
      this.#showDropped();
    });
  }

  /** The group of `key` is over: its next alert starts a new pop-up (this one stays). */
  forget(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets every pop-up and stops listening to the notifier (stop). */
  clear(): void {
    this.#entries.clear();
    this.#unsubscribe();
  }

  #showDropped(): void {
    for (const entry of this.#entries.values()) {
      if (!entry.dropped) continue;
      entry.dropped = false;
      this.#then(entry, () => this.#notifier.show(entry.content), []);
    }
  }

  #closed(event: PopupClosedEvent): void {
    if (event.reason !== 'expired') return;
    for (const entry of this.#entries.values()) {
      if (entry.handle?.id === event.handle.id && entry.content.expiry === 'never') {
        entry.dropped = true;
      }
    }
  }

  /** Resolves once every hand-off started so far has settled. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  #then(entry: Entry, handOff: () => Promise<PopupResult>, events: readonly AlertEvent[]): void {
    const fresh = carry(entry, events);
    this.#after(entry, async () => {
      let result: PopupResult;
      try {
        result = await handOff();
      } catch (error) {
        result = { shown: false, reason: String(error) };
      }
      if (result.shown) entry.handle = result.handle;
      try {
        this.#handedOff({ events: fresh, result });
      } catch {
        // The listener records and logs; a failure there must not break this pop-up's chain.
      }
    });
  }

  /**
   * Runs `work` after the pop-up's earlier hand-offs; with none pending, at once (the notifier
   * is called in this turn, in the order delivery asked).
   */
  #after(entry: Entry, work: () => Promise<void>): void {
    const run = async () => {
      try {
        await work();
      } catch {
        // `work` reports its own failures; the chain goes on.
      } finally {
        entry.pending -= 1;
      }
    };
    const started = entry.pending === 0 ? run() : entry.chain.then(run);
    entry.pending += 1;
    entry.chain = this.#track(started);
  }

  #track(work: Promise<void>): Promise<void> {
    const tracked = work.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
    return tracked;
  }
}
