import type { AlertEvent, EventOfKind } from '../../../common';
import { CatchUpBacklog } from './catch-up-ending';
import { isRingingCall, popupKey } from './popup-key';

export { callPopupKey, popupKey, standsAlone } from './popup-key';

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
 * One thing for the delivery engine to do. Every method returns them in the order they must be
 * done: a delivery is released before the pop-up that shows it, a backlog is released in full
 * before its pop-ups.
 */
export type CoalescingStep<D extends Coalescable = Coalescable> =
  /** The delivery is released now: it goes to the in-app list (when it gets an item there). */
  | { readonly step: 'release'; readonly delivery: D }
  /**
   * A ringing call held by a catch-up that stopped ringing in the same backlog: it never pops.
   * `missed` when nobody answered it (it is counted in the missed-calls pop-up).
   */
  | {
      readonly step: 'withdraw';
      readonly delivery: D;
      readonly call: EventOfKind<'call'>;
      readonly missed: boolean;
    }
  /**
   * A new pop-up now, under `key`: one alert that stands alone, the first of a group, or a
   * catch-up's summary of a group (`summary: 'missedCalls'` for calls that rang while offline).
   * `events`: the alerts it shows, oldest first; `count`: how many it stands for (as many).
   */
  | {
      readonly step: 'show';
      readonly key: string;
      readonly events: readonly AlertEvent[];
      readonly count: number;
      readonly summary: 'missedCalls' | null;
    }
  /**
   * The pop-up of `key` says more now, in place: `events` are the alerts new since its last
   * show or update (oldest first), `count` how many it stands for in all. A group that never
   * goes quiet keeps only a count of what it showed, never every alert.
   */
  | {
      readonly step: 'update';
      readonly key: string;
      readonly events: readonly AlertEvent[];
      readonly count: number;
      readonly summary: 'missedCalls' | null;
    }
  /** Call `wake(key, now)` after this long (one timer per key: this one replaces the last). */
  | { readonly step: 'wake'; readonly key: string; readonly afterMilliseconds: number }
  /** The group of `key` is over (quiet for a window): its next alert starts a new pop-up. */
  | { readonly step: 'forget'; readonly key: string };

export interface CoalescingOptions {
  /** A group stays one pop-up while its alerts come closer than this. Default 2 s. */
  windowMilliseconds?: number;
  /** The least time between two updates of one group's pop-up (a few a second). Default 250 ms. */
  updateIntervalMilliseconds?: number;
  /**
   * Whether the notifier replaces a pop-up in place (`capabilities.replace`). Where it cannot,
   * each update is a new pop-up, so a group gets at most one per window.
   */
  replaceInPlace?: () => boolean;
  /**
   * A catch-up's ringing call older than this, its stop not in the backlog, counts as missed
   * (`CatchUpBacklog`). Default: none does.
   */
  longestRingMilliseconds?: number;
}

interface Group {
  /** Its alerts its pop-up has not shown yet, oldest first (those it showed are only counted). */
  unpainted: AlertEvent[];
  /** How many alerts it holds, shown or not. */
  count: number;
  summary: 'missedCalls' | null;
  /** When its pop-up last changed. */
  paintedAt: number;
  lastAlertAt: number;
  /** When its timer runs out (null: none planned): an earlier one re-plans, so few are set. */
  wakeAt: number | null;
}

/**
 * Which pop-ups show, and which become one: the grouping rules of delivery, with no clock,
 * notifier or store inside (the time is passed in). State is plain data (open groups, the
 * held backlog); every method returns the steps to take.
 *
 * - Nothing is held back: the first alert of a group pops at once; later ones update that
 *   pop-up in place at once, at most one update per `updateIntervalMilliseconds` (the last one
 *   follows when the interval ends: a trailing update is guaranteed). A group ends once no
 *   alert came for a window.
 * - Alerts that stand alone (`standsAlone`: a ringing call first of all) pop on their own, at
 *   once, and are never folded into a group.
 * - Between `beginCatchUp()` and `endCatchUp()` (nested) every delivery is held; then the
 *   backlog is released in full, and pops one pop-up per group. A ringing call that stopped
 *   ringing in the backlog never pops, nor one that rang longer ago than the longest ring
 *   (`longestRingMilliseconds`: its stop was lost); those nobody answered pop as one "missed
 *   calls" pop-up per line. A call's state is read from the backlog itself, never from a
 *   bounded memory.
 */
export class CoalescingPolicy<D extends Coalescable = Coalescable> {
  readonly #groups = new Map<string, Group>();
  readonly #window: number;
  readonly #interval: number;
  readonly #replaceInPlace: () => boolean;
  #catchUpDepth = 0;
  /** The held backlog, and its end released in slices (`releaseSome`). */
  readonly #backlog: CatchUpBacklog<D>;

  constructor(options: CoalescingOptions = {}) {
    this.#window = options.windowMilliseconds ?? 2_000;
    this.#interval = options.updateIntervalMilliseconds ?? 250;
    this.#replaceInPlace = options.replaceInPlace ?? (() => true);
    this.#backlog = new CatchUpBacklog<D>(
      (key, events, summary, now, steps) => this.#add(key, events, summary, now, steps),
      options.longestRingMilliseconds,
    );
  }

  /** Open groups and how many alerts each holds (tests, status). */
  get openGroups(): ReadonlyMap<string, number> {
    return new Map([...this.#groups].map(([key, group]) => [key, group.count]));
  }

  /** Deliveries held by a catch-up, in arrival order. */
  get held(): readonly D[] {
    return this.#backlog.held;
  }

  /** Whether a catch-up holds deliveries now. */
  get catchingUp(): boolean {
    return this.#catchUpDepth > 0 || this.#backlog.ending;
  }

  /** One decided delivery: every event, alerting or not (a call's end is read from them). */
  coalesce(delivery: D, now: number): CoalescingStep<D>[] {
    if (this.catchingUp) {
      this.#backlog.hold(delivery);
      return [];
    }
    const steps: CoalescingStep<D>[] = [{ step: 'release', delivery }];
    if (delivery.popUp) this.#add(popupKey(delivery.event), [delivery.event], null, now, steps);
    return steps;
  }

  /** Holds every delivery until the matching `endCatchUp()`. Nests. */
  beginCatchUp(): void {
    this.#catchUpDepth++;
  }

  /** At the outermost end: the held backlog released, then its pop-ups (see the class). */
  endCatchUp(now: number): CoalescingStep<D>[] {
    if (!this.finishCatchUp()) return [];
    return this.releaseSome(now, Number.POSITIVE_INFINITY).steps;
  }

  /**
   * The end of a catch-up, released in slices (`releaseSome`): true at the outermost end. Until
   * the last slice, deliveries are still held (they join the backlog), so steps never overtake.
   */
  finishCatchUp(): boolean {
    if (this.#catchUpDepth === 0) return false;
    this.#catchUpDepth--;
    if (this.#catchUpDepth > 0) return false;
    this.#backlog.beginEnding();
    return true;
  }

  /**
   * Releases at most `count` more of the held backlog; `more` while some are left. A catch-up
   * begun meanwhile pauses it (its own end resumes it). Then each group's pop-up is added, as
   * many groups a slice as hold `count` deliveries (`CatchUpBacklog`, catch-up-ending.ts).
   */
  releaseSome(now: number, count: number): { steps: CoalescingStep<D>[]; more: boolean } {
    if (this.#catchUpDepth > 0) return { steps: [], more: false };
    return this.#backlog.releaseSome(now, count);
  }

  /** The timer of `key` ran out: a trailing update is due, or the group is over. */
  wake(key: string, now: number): CoalescingStep<D>[] {
    const group = this.#groups.get(key);
    const steps: CoalescingStep<D>[] = [];
    if (!group) return steps;
    group.wakeAt = null;
    if (group.unpainted.length > 0 && now - group.paintedAt >= this.#gap()) {
      this.#paint(key, group, now, steps);
    }
    if (group.unpainted.length === 0 && now - group.lastAlertAt >= this.#window) {
      this.#groups.delete(key);
      steps.push({ step: 'forget', key });
      return steps;
    }
    this.#planWake(key, group, now, steps);
    return steps;
  }

  /** Every group shows what it holds now and ends (flush before shutdown, tests). */
  drain(now: number): CoalescingStep<D>[] {
    // A backlog being released in slices is released in full first.
    const steps = this.releaseSome(now, Number.POSITIVE_INFINITY).steps;
    for (const [key, group] of [...this.#groups]) {
      if (group.unpainted.length > 0) this.#paint(key, group, now, steps);
      this.#groups.delete(key);
      steps.push({ step: 'forget', key });
    }
    return steps;
  }

  /** Every group ends and what it did not show yet is dropped, never shown (stop). */
  closeWindows(): void {
    this.#groups.clear();
  }

  /** Between two updates of one pop-up: a few a second, or one a window where not in place. */
  #gap(): number {
    return this.#replaceInPlace() ? this.#interval : this.#window;
  }

  #add(
    key: string,
    events: AlertEvent[],
    summary: 'missedCalls' | null,
    now: number,
    steps: CoalescingStep<D>[],
  ): void {
    const [first] = events;
    if (!first) return;
    if (!key.startsWith('group\u0000') && !key.startsWith('missed\u0000')) {
      // Stands alone: one pop-up per alert, never a group. Nothing else comes under its key, so
      // it is forgotten at once (its pop-up stays), but for a ringing call's: its stop needs it.
      for (const event of events) {
        steps.push({ step: 'show', key: popupKey(event), events: [event], count: 1, summary });
        if (!isRingingCall(event)) steps.push({ step: 'forget', key: popupKey(event) });
      }
      return;
    }
    const group = this.#groups.get(key);
    if (!group) {
      const opened: Group = {
        unpainted: [],
        count: events.length,
        summary,
        paintedAt: now,
        lastAlertAt: now,
        wakeAt: null,
      };
      this.#groups.set(key, opened);
      steps.push({ step: 'show', key, events, count: events.length, summary });
      this.#planWake(key, opened, now, steps);
      return;
    }
    for (const event of events) group.unpainted.push(event);
    group.count += events.length;
    group.lastAlertAt = now;
    if (now - group.paintedAt >= this.#gap()) this.#paint(key, group, now, steps);
    this.#planWake(key, group, now, steps);
  }

  #paint(key: string, group: Group, now: number, steps: CoalescingStep<D>[]): void {
    group.paintedAt = now;
    const { unpainted: events, count, summary } = group;
    group.unpainted = [];
    steps.push({ step: 'update', key, events, count, summary });
  }

  /** The next moment the group needs: its trailing update, else its end. */
  #planWake(key: string, group: Group, now: number, steps: CoalescingStep<D>[]): void {
    const at =
      group.unpainted.length > 0 ? group.paintedAt + this.#gap() : group.lastAlertAt + this.#window;
    // A timer already set for no later than that wakes first and plans again: a burst of 1,000
    // alerts sets a few timers, not 1,000.
    if (group.wakeAt !== null && group.wakeAt <= at) return;
    group.wakeAt = at;
    steps.push({ step: 'wake', key, afterMilliseconds: Math.max(0, at - now) });
  }
}
