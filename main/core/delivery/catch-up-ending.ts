import type { AlertEvent, EventOfKind } from '../../../common';
import type { Coalescable, CoalescingStep } from './coalescing-policy';
import { isRingingCall, popupKey } from './popup-key';

/**
 * Adds alerts to the pop-up of `key` as the policy does for live ones (`CoalescingPolicy`'s
 * grouping rules), its steps pushed on `steps`.
 */
export type AddToPopup<D extends Coalescable> = (
  key: string,
  events: AlertEvent[],
  summary: 'missedCalls' | null,
  now: number,
  steps: CoalescingStep<D>[],
) => void;

/** The end of a catch-up under way: the next held delivery to release, what it gathered. */
interface Ending<D> {
  next: number;
  readonly groups: Map<string, D[]>;
  readonly missedByLine: Map<string, D[]>;
  /** Once every held delivery is released: the groups' pop-ups, added a slice at a time. */
  adding: Iterator<[string, D[]]> | null;
  /**
   * The group being added: a large one (90,000 texts of one line) is read a slice at a time
   * too, and its pop-up added once the last of it was read.
   */
  reading: { key: string; deliveries: D[]; next: number; events: AlertEvent[] } | null;
  readonly added: Set<string>;
}

function gather<D>(into: Map<string, D[]>, key: string, delivery: D): void {
  const group = into.get(key);
  if (group) group.push(delivery);
  else into.set(key, [delivery]);
}

/**
 * A catch-up's held backlog and its end, for `CoalescingPolicy`: every delivery held in arrival
 * order with each call's last state in it, then released in slices (`releaseSome`): in full
 * first, then one pop-up per group (a group larger than a slice read over several), a ringing
 * call that stopped in the backlog withdrawn (never rings), the missed ones as one "missed
 * calls" pop-up per line. A call's state is read from the backlog itself, never from a bounded
 * memory.
 */
export class CatchUpBacklog<D extends Coalescable> {
  readonly #add: AddToPopup<D>;
  readonly #longestRing: number;
  #held: D[] = [];
  /** How each call of the held backlog stands: its last state there, kept as it is held. */
  readonly #lastState = new Map<string, EventOfKind<'call'>['state']>();
  #ending: Ending<D> | null = null;

  /**
   * `longestRingMilliseconds`: a ringing call older than this when its backlog is released, its
   * stop not in the backlog, rang out long ago (its stop was lost): it counts as missed, never
   * rings (as a ringing pop-up past it is replaced by its missed call, `PopupBoard`).
   */
  constructor(add: AddToPopup<D>, longestRingMilliseconds = Number.POSITIVE_INFINITY) {
    this.#add = add;
    this.#longestRing = longestRingMilliseconds;
  }

  /** Deliveries held, in arrival order. */
  get held(): readonly D[] {
    return this.#held;
  }

  /** Whether its end is under way (begun, not every slice released yet). */
  get ending(): boolean {
    return this.#ending !== null;
  }

  hold(delivery: D): void {
    this.#held.push(delivery);
    const { event } = delivery;
    if (event.kind === 'call') this.#lastState.set(event.callId, event.state);
  }

  /** Its end begins (or goes on, when one was under way): released by `releaseSome`. */
  beginEnding(): void {
    this.#ending ??= {
      next: 0,
      groups: new Map(),
      missedByLine: new Map(),
      adding: null,
      reading: null,
      added: new Set(),
    };
  }

  /**
   * Releases at most `count` more of the held backlog; `more` while some are left. Then each
   * group's pop-up is added, as many groups a slice as hold `count` deliveries; a group larger
   * than that is read over several slices and its one pop-up added with the last.
   */
  releaseSome(now: number, count: number): { steps: CoalescingStep<D>[]; more: boolean } {
    const ending = this.#ending;
    const steps: CoalescingStep<D>[] = [];
    if (!ending) return { steps, more: false };
    const end = Math.min(this.#held.length, ending.next + count);
    // Rang before this, its stop never heard: rung out (an unparsable time never is).
    const rangOutBefore = now - this.#longestRing;
    for (; ending.next < end; ending.next += 1) {
      const delivery = this.#held[ending.next] as D;
      const { event } = delivery;
      const state = isRingingCall(event) ? this.#lastState.get(event.callId) : undefined;
      if (isRingingCall(event) && state !== undefined && state !== 'ringing') {
        this.#withdraw(delivery, event, state, ending, steps);
        continue;
      }
      if (isRingingCall(event) && Date.parse(event.occurredAt) < rangOutBefore) {
        this.#withdraw(delivery, event, 'missed', ending, steps);
        continue;
      }
      steps.push({ step: 'release', delivery });
      if (!delivery.popUp) continue;
      const key = popupKey(event);
      // Its group's pop-up was added in an earlier slice: it joins it as a live alert would.
      if (ending.added.has(key)) this.#add(key, [event], null, now, steps);
      else gather(ending.groups, key, delivery);
    }
    if (ending.next < this.#held.length) return { steps, more: true };
    ending.adding ??= ending.groups.entries();
    for (let budget = count; ;) {
      if (!ending.reading) {
        const entry = ending.adding.next();
        if (entry.done) break;
        const [key, deliveries] = entry.value;
        ending.reading = { key, deliveries, next: 0, events: [] };
      }
      const reading = ending.reading;
      // A delivery held meanwhile for this group joins its array: read too, before the pop-up.
      const end = Math.min(reading.deliveries.length, reading.next + budget);
      budget -= end - reading.next;
      for (; reading.next < end; reading.next += 1) {
        const delivery = reading.deliveries[reading.next] as D;
        const { event } = delivery;
        // Released in an earlier slice, it stopped ringing in a later one: never rings.
        const state = isRingingCall(event) ? this.#lastState.get(event.callId) : undefined;
        if (isRingingCall(event) && state !== undefined && state !== 'ringing') {
          this.#withdraw(delivery, event, state, ending, steps);
        } else reading.events.push(event);
      }
      if (reading.next < reading.deliveries.length) return { steps, more: true };
      ending.reading = null;
      ending.added.add(reading.key);
      this.#add(reading.key, reading.events, null, now, steps);
      if (budget <= 0) return { steps, more: true };
    }
    for (const [key, deliveries] of ending.missedByLine) {
      this.#add(
        key,
        deliveries.map(({ event }) => event),
        'missedCalls',
        now,
        steps,
      );
    }
    this.#held = [];
    this.#lastState.clear();
    this.#ending = null;
    return { steps, more: false };
  }

  #withdraw(
    delivery: D,
    call: EventOfKind<'call'>,
    state: EventOfKind<'call'>['state'],
    ending: Ending<D>,
    steps: CoalescingStep<D>[],
  ): void {
    const missed = state !== 'answered';
    steps.push({ step: 'withdraw', delivery, call, missed });
    if (missed && delivery.popUp)
      gather(ending.missedByLine, `missed\u0000${call.lineId}`, delivery);
  }
}
