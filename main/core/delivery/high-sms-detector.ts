import { highSmsRule, type AlertEvent } from '../../../common';
import type { Clock } from '../ports';
import { noEvents, type Detector } from './detector';
import { localId } from './local-id';

/** One contact writing to one line: the last `moreThan + 1` arrival times, oldest first. */
interface PairState {
  /** Ring buffer of arrival times (epoch ms). */
  times: Float64Array;
  /** Index of the oldest entry. */
  head: number;
  size: number;
  /** Clock time of the last text seen (arrival, not sending): what idle expiry looks at. */
  touchedAt: number;
  /** When the current burst began (its first message), which names the alert. */
  burstStartedAt: number;
  /** This burst has already raised its one alert. */
  alerted: boolean;
}

export interface HighSmsDetectorOptions {
  clock: Clock;
  /** More than this many texts alert (default `highSmsRule.moreThan`, 15). */
  moreThan?: number;
  /** Sliding window (default `highSmsRule.windowSeconds`, 30 s). */
  windowMilliseconds?: number;
  /**
   * A burst ends after this long without a text from the pair; the next text starts a new burst
   * that may alert again. Default: the window length (30 s).
   */
  quietMilliseconds?: number;
  /** Hard cap on pairs tracked at once; the least recently active is forgotten first. */
  maxPairs?: number;
}

/** The latest arrival time in the ring buffer (it is kept sorted). */
function newestTime(state: PairState): number {
  if (state.size === 0) return Number.NEGATIVE_INFINITY;
  return (
    state.times[(state.head + state.size - 1) % state.times.length] ?? Number.NEGATIVE_INFINITY
  );
}

/** Tolerated clock skew of the service: a text "from the future" counts as arriving now. */
const futureSkewMilliseconds = 5_000;

/**
 * Raises one `highSms` event per burst: more than 15 texts from one number to one line within a
 * sliding 30 s. Work per text is constant (a ring buffer of the last 16 times per pair and a
 * recency-ordered map); pairs idle longer than the quiet period are forgotten, and at most
 * `maxPairs` are kept.
 */
export class HighSmsDetector implements Detector {
  readonly #clock: Clock;
  readonly #threshold: number;
  readonly #windowMilliseconds: number;
  readonly #quietMilliseconds: number;
  readonly #maxPairs: number;
  /** Insertion order is recency order: a text moves its pair to the end. */
  readonly #pairs = new Map<string, PairState>();
  /** Idle pairs are swept at most this often: the sweep is amortised over many texts. */
  #nextSweepAt = Number.NEGATIVE_INFINITY;

  constructor(options: HighSmsDetectorOptions) {
    this.#clock = options.clock;
    this.#threshold = (options.moreThan ?? highSmsRule.moreThan) + 1;
    this.#windowMilliseconds = options.windowMilliseconds ?? highSmsRule.windowSeconds * 1000;
    this.#quietMilliseconds = options.quietMilliseconds ?? this.#windowMilliseconds;
    this.#maxPairs = options.maxPairs ?? 10_000;
  }

  /** Pairs currently tracked (tests and health). */
  get trackedPairs(): number {
    return this.#pairs.size;
  }

  /** Observes one event; returns the one `highSms` event when this text makes a burst alert. */
  observe(event: AlertEvent): readonly AlertEvent[] {
    if (event.kind !== 'text') return noEvents;
    const now = this.#clock.now();
    const at = this.#timeOf(event.occurredAt, now);
    this.#expireIdle(now);

    const key = `${event.lineId}\u0000${event.from}`;
    let state = this.#pairs.get(key);
    if (state) {
      this.#pairs.delete(key);
      if (at - newestTime(state) > this.#quietMilliseconds) state = undefined;
    }
    if (!state) {
      state = {
        times: new Float64Array(this.#threshold),
        head: 0,
        size: 0,
        touchedAt: now,
        burstStartedAt: at,
        alerted: false,
      };
    }
    this.#pairs.set(key, state);
    if (this.#pairs.size > this.#maxPairs) {
      const oldest = this.#pairs.keys().next();
      if (!oldest.done) this.#pairs.delete(oldest.value);
    }

    // Out-of-order times are clamped: the buffer stays sorted, so its head is the oldest.
    const time = Math.max(at, newestTime(state));
    state.touchedAt = now;
    if (state.size < this.#threshold) {
      state.times[(state.head + state.size) % this.#threshold] = time;
      state.size++;
    } else {
      state.times[state.head] = time;
      state.head = (state.head + 1) % this.#threshold;
    }
    if (state.alerted || state.size < this.#threshold) return noEvents;
    const oldest = state.times[state.head] ?? time;
    if (time - oldest > this.#windowMilliseconds) return noEvents;

    state.alerted = true;
    const burst: AlertEvent = {
      kind: 'highSms',
      id: localId('high-sms', event.lineId, event.from, String(state.burstStartedAt)),
      occurredAt: new Date(time).toISOString(),
      lineId: event.lineId,
      from: event.from,
      contactName: event.contactName,
      count: state.size,
      windowSeconds: Math.max(1, Math.round(this.#windowMilliseconds / 1000)),
    };
    return [burst];
  }

  /**
   * When the text was sent, from the event (a replayed backlog keeps its real spacing), but
   * never later than now: a sender's clock cannot push texts out of the window.
   */
  #timeOf(occurredAt: string, now: number): number {
    const parsed = Date.parse(occurredAt);
    if (!Number.isFinite(parsed) || parsed > now + futureSkewMilliseconds) return now;
    return parsed;
  }

  /** Forgets pairs idle past the quiet period: the least recent come first in the map. */
  #expireIdle(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + 1_000;
    for (const [key, state] of this.#pairs) {
      // A replayed backlog carries old send times, so idleness is judged by arrival.
      if (now - state.touchedAt <= this.#quietMilliseconds + this.#windowMilliseconds) break;
      this.#pairs.delete(key);
    }
  }
}
