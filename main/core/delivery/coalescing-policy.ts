import type { AlertEvent, EventOfKind } from '../../../common';
import { RecentSet } from './recent-set';

/**
 * What coalescing needs to know of a decided delivery: its event, and whether the policy engine
 * let it pop up. Anything else a delivery carries (in-app, quiet reason) passes through untouched
 * to the step that hands it back.
 */
export interface Coalescable {
  readonly event: AlertEvent;
  readonly popUp: boolean;
}

/**
 * One thing for the delivery engine to do. `coalesce` returns them in the order they must be
 * done: a delivery is listed before the pop-up that shows it, a backlog is listed in full before
 * its summaries pop.
 */
export type CoalescingStep<D extends Coalescable = Coalescable> =
  /** The delivery is released now: it goes to the in-app list (when it gets an item there). */
  | { readonly step: 'release'; readonly delivery: D }
  /** A ringing call seen after its end: it never pops; it is listed as a missed call. */
  | { readonly step: 'missedCall'; readonly delivery: D; readonly call: EventOfKind<'call'> }
  /** A ringing call waiting in an open group has ended: its pop-up is withdrawn, listed as missed. */
  | { readonly step: 'withdraw'; readonly call: EventOfKind<'call'> }
  /** One pop-up now: one event on its own, or one summary of several (oldest first). */
  | { readonly step: 'show'; readonly events: readonly AlertEvent[] }
  /** A group's window opens: when it has passed, call `windowPassed(key)`. */
  | { readonly step: 'openWindow'; readonly key: string };

/** How many ended call ids are remembered, so a late "ringing" for them never pops. */
const endedCallMemory = 2_000;

/**
 * The group an event's pop-up folds into: its line and kind. The one place that says which
 * pop-ups become one.
 */
export function groupKey(event: AlertEvent): string {
  return `${'lineId' in event ? event.lineId : ''}\u0000${event.kind}`;
}

function isRingingCall(event: AlertEvent): event is EventOfKind<'call'> {
  return event.kind === 'call' && event.state === 'ringing';
}

/**
 * Which pop-ups show now, which wait, and which fold into which group: the grouping rules of
 * delivery, with no clock, notifier or store inside. State is plain data (open groups, the
 * held backlog, the ended calls it remembers); every method returns the steps to take.
 *
 * - Per group (`groupKey`): the first pop-up shows at once and opens a window; later ones wait
 *   in it; when it passes, what it holds shows as one and a new window opens.
 * - Between `beginCatchUp()` and `endCatchUp()` (nested) every delivery is held; the backlog is
 *   released in full, then one pop-up per group (folded into a group whose window is open).
 * - A ringing call whose end was seen never pops: it is a missed call. An end arriving while its
 *   ringing pop-up waits in a window withdraws that pop-up.
 */
export class CoalescingPolicy<D extends Coalescable = Coalescable> {
  /** Open windows by group key: the pop-ups each holds back, oldest first. */
  readonly #windows = new Map<string, AlertEvent[]>();
  readonly #endedCalls = new RecentSet(endedCallMemory);
  #held: D[] = [];
  #catchUpDepth = 0;

  /** Open windows and what each holds (tests, status). */
  get openWindows(): ReadonlyMap<string, readonly AlertEvent[]> {
    return this.#windows;
  }

  /** Deliveries held by a catch-up, in arrival order. */
  get held(): readonly D[] {
    return this.#held;
  }

  /** One decided delivery: every event, alerting or not (an ended call ends a ringing one). */
  coalesce(delivery: D): CoalescingStep<D>[] {
    const steps: CoalescingStep<D>[] = [];
    const { event } = delivery;
    if (event.kind === 'call' && event.state === 'ended') this.#callEnded(event, steps);
    if (this.#catchUpDepth > 0) {
      this.#held.push(delivery);
      return steps;
    }
    if (this.#released(delivery, steps) && delivery.popUp) {
      const pending = this.#windows.get(groupKey(event));
      if (pending) pending.push(event);
      else this.#popUp(groupKey(event), [event], steps);
    }
    return steps;
  }

  /** Holds every delivery until the matching `endCatchUp()`. Nests. */
  beginCatchUp(): void {
    this.#catchUpDepth++;
  }

  /** At the outermost end: the held backlog released, then one pop-up per group. */
  endCatchUp(): CoalescingStep<D>[] {
    if (this.#catchUpDepth === 0) return [];
    this.#catchUpDepth--;
    if (this.#catchUpDepth > 0) return [];
    const held = this.#held;
    this.#held = [];
    const steps: CoalescingStep<D>[] = [];
    const groups = new Map<string, AlertEvent[]>();
    for (const delivery of held) {
      if (!this.#released(delivery, steps) || !delivery.popUp) continue;
      const key = groupKey(delivery.event);
      const group = groups.get(key);
      if (group) group.push(delivery.event);
      else groups.set(key, [delivery.event]);
    }
    for (const [key, events] of groups) {
      const pending = this.#windows.get(key);
      if (pending) for (const event of events) pending.push(event);
      else this.#popUp(key, events, steps);
    }
    return steps;
  }

  /** A group's window has passed: what it held shows as one, and a burst still going keeps one open. */
  windowPassed(key: string): CoalescingStep<D>[] {
    const pending = this.#windows.get(key);
    this.#windows.delete(key);
    const steps: CoalescingStep<D>[] = [];
    if (pending && pending.length > 0) this.#popUp(key, pending, steps);
    return steps;
  }

  /** Every window closes now and shows what it held (flush before shutdown, tests). */
  drain(): CoalescingStep<D>[] {
    const steps: CoalescingStep<D>[] = [];
    for (const [key, pending] of [...this.#windows]) {
      this.#windows.delete(key);
      if (pending.length > 0) steps.push({ step: 'show', events: pending });
    }
    return steps;
  }

  /** Every window closes and what it held is dropped, never shown (stop). */
  closeWindows(): void {
    this.#windows.clear();
  }

  /** Releases a delivery, or turns a ringing call already over into a missed call (false). */
  #released(delivery: D, steps: CoalescingStep<D>[]): boolean {
    const { event } = delivery;
    if (isRingingCall(event) && this.#endedCalls.has(event.callId)) {
      steps.push({ step: 'missedCall', delivery, call: event });
      return false;
    }
    steps.push({ step: 'release', delivery });
    return true;
  }

  #popUp(key: string, events: AlertEvent[], steps: CoalescingStep<D>[]): void {
    steps.push({ step: 'show', events }, { step: 'openWindow', key });
    this.#windows.set(key, []);
  }

  #callEnded(ended: EventOfKind<'call'>, steps: CoalescingStep<D>[]): void {
    this.#endedCalls.add(ended.callId);
    // Only the window of calls on that line is searched, never the texts of a burst.
    const pending = this.#windows.get(groupKey(ended));
    const index =
      pending?.findIndex((event) => isRingingCall(event) && event.callId === ended.callId) ?? -1;
    const ringing = pending?.[index];
    if (!pending || index < 0 || !ringing || !isRingingCall(ringing)) return;
    pending.splice(index, 1);
    steps.push({ step: 'withdraw', call: ringing });
  }
}
