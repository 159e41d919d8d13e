import type { AlertEvent, EventOfKind } from '../../../common';
import type {
  Clock,
  NotifierPort,
  PopupClosedEvent,
  PopupContent,
  PopupHandle,
  PopupResult,
  TimerHandle,
} from '../ports';
import { longestRingMilliseconds } from './call-life';

/**
 * How long a ringing pop-up may ring: past `longestMilliseconds` (default
 * `longestRingMilliseconds`) its call's stop was lost, and it is replaced by `rangOut(call)` (a
 * missed call) and forgotten, as a stop would.
 */
export interface RingLimit {
  clock: Clock;
  rangOut: (call: EventOfKind<'call'>) => PopupContent | null;
  longestMilliseconds?: number;
}

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
  /** Hand-offs started and not settled: with none, the next one reaches the notifier at once. */
  pending: number;
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
  readonly #ringLimit: Required<RingLimit>;
  /**
   * The ringing pop-ups by key, in the order they rang (so the first rings out first), with when
   * each rings out and its call; one timer, for the first.
   */
  readonly #ringing = new Map<string, { until: number; call: EventOfKind<'call'> }>();
  #ringTimer: TimerHandle | null = null;

  /**
   * `handedOff` hears every show and update, once it settled (recording, health); `ringLimit`
   * bounds how long a pop-up rings when its call's stop never comes.
   */
  constructor(notifier: NotifierPort, handedOff: (handOff: HandOff) => void, ringLimit: RingLimit) {
    this.#notifier = notifier;
    this.#handedOff = handedOff;
    this.#ringLimit = { longestMilliseconds: longestRingMilliseconds, ...ringLimit };
    this.#unsubscribe = notifier.onClosed((event) => this.#closed(event));
  }

  /** Whether a pop-up is (or is being) shown under `key`. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** How many pop-ups are kept (each until its group ends, its call stops or rings out). */
  get size(): number {
    return this.#entries.size;
  }

  /** A new pop-up under `key` (one under the same key before is forgotten, not closed). */
  show(key: string, content: PopupContent, events: readonly AlertEvent[]): void {
    this.#then(this.#open(key, content, events), () => this.#notifier.show(content), events);
  }

  /**
   * What `show` or `update` would do while pop-ups cannot show at all: nothing reaches the
   * notifier (the caller lists and records `events`: each reaches the board once, as the
   * policy's steps carry only the alerts new since the last). The group's next update, once
   * pop-ups are back, shows it anew.
   */
  hold(
    how: 'show' | 'update',
    key: string,
    content: PopupContent,
    events: readonly AlertEvent[],
  ): void {
    const entry = (how === 'update' && this.#entries.get(key)) || this.#open(key, content, events);
    entry.content = content;
  }

  #open(key: string, content: PopupContent, events: readonly AlertEvent[]): Entry {
    const call = events.find((event) => event.kind === 'call');
    const rings = content.expiry === 'never' && call?.kind === 'call';
    // A call that rang before this start (`ringsSince`) keeps its time, and its place.
    if (!rings || !this.#ringing.has(key)) this.#ringing.delete(key);
    if (rings && !this.#ringing.has(key)) {
      const until = this.#ringLimit.clock.now() + this.#ringLimit.longestMilliseconds;
      this.#ringing.set(key, { until, call });
      this.#planRingOut();
    }
    const entry: Entry = {
      handle: null,
      content,
      dropped: false,
      chain: Promise.resolve(),
      pending: 0,
    };
    this.#entries.set(key, entry);
    return entry;
  }

  /**
   * A call that began ringing at `rang`, before this start, with no stop heard: it rings out at
   * `rang` plus the longest ring, its pop-up with it if one is raised again meanwhile (`show`).
   * Call it in the order the calls rang, before any pop-up rings.
   */
  ringsSince(key: string, call: EventOfKind<'call'>, rang: number): void {
    this.#ringing.set(key, { until: rang + this.#ringLimit.longestMilliseconds, call });
    this.#planRingOut();
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
    // A call rung since before this start (`ringsSince`) may have no pop-up: it stops all the same.
    this.#ringing.delete(key);
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
    this.#ringing.delete(key);
  }

  /** Forgets every pop-up and stops listening to the notifier (stop). */
  clear(): void {
    this.#entries.clear();
    this.#ringing.clear();
    if (this.#ringTimer) this.#ringLimit.clock.clearTimeout(this.#ringTimer);
    this.#ringTimer = null;
    this.#unsubscribe();
  }

  /** One timer, for the pop-up that rings out first (none when nothing rings). */
  #planRingOut(): void {
    if (this.#ringTimer) return;
    const first = this.#ringing.values().next();
    if (first.done) return;
    const { clock } = this.#ringLimit;
    this.#ringTimer = clock.setTimeout(
      () => {
        this.#ringTimer = null;
        this.#ringOut();
      },
      Math.max(0, first.value.until - clock.now()),
    );
  }

  /** Pop-ups that rang past the longest ring: their stop was lost, so they stop now. */
  #ringOut(): void {
    const now = this.#ringLimit.clock.now();
    for (const [key, { until, call }] of this.#ringing) {
      if (until > now) break;
      // Told with a pop-up up or not (a call that rang before this start may have none).
      const content = this.#ringLimit.rangOut(call);
      this.stop(key, content);
    }
    this.#planRingOut();
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

  /** `events`: what this hand-off shows for the first time (the policy's steps carry each once). */
  #then(entry: Entry, handOff: () => Promise<PopupResult>, events: readonly AlertEvent[]): void {
    this.#after(entry, async () => {
      let result: PopupResult;
      try {
        result = await handOff();
      } catch (error) {
        result = { shown: false, reason: String(error) };
      }
      if (result.shown) entry.handle = result.handle;
      try {
        this.#handedOff({ events, result });
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
