import {
  quietReasonCodes,
  type AlertEvent,
  type AlertType,
  type Decision,
  type EventOfKind,
  type HealthNotice,
  type InAppNotification,
  type PopupRecord,
} from '../../../common';
import type { BatchRunner } from '../event-batch';
import {
  type Clock,
  type Logger,
  type NotifierPort,
  type Observable,
  type PopupContent,
  type TimerHandle,
} from '../ports';
import type { InAppNotificationRepository, ProcessedEventRepository } from '../store/repositories';
import { CoalescingPolicy, type Coalescable, type CoalescingStep } from './coalescing-policy';
import { withFallback, type EventDescriber } from './describe';
import { InAppList } from './in-app-list';
import { NotifierHealth } from './notifier-health';
import { RecentSet } from './recent-set';
import { bodyLimits, sanitizeNotificationText } from './sanitize';

export interface DeliveryEngineOptions {
  clock: Clock;
  notifier: NotifierPort;
  logger: Logger;
  notifications: InAppNotificationRepository;
  events: ProcessedEventRepository;
  /**
   * The session's words for pop-ups and items (the same describer as its Activity rows). Its
   * `Description`s are sanitised and bounded by construction (`bounded`).
   */
  describer: EventDescriber;
  /** After a pop-up, more of the same group within this window become one. Default 2 s. */
  coalesceWindowMilliseconds?: number;
  /**
   * The session's event batches (main/core/event-batch.ts): a delivery's in-app item is
   * written in its event's batch, its pop-up is coalesced once that batch committed.
   */
  batches: Pick<BatchRunner, 'afterCommit'>;
  /**
   * The alert types the person lets break through quiet hours (their preferences, read per
   * event): a ringing call of one of them still pops up while the system's do-not-disturb is on.
   * Default none.
   */
  breakThrough?: () => readonly AlertType[];
}

/** The in-app reason of an alert the desktop's own do-not-disturb held back. */
export const systemDoNotDisturbReason = 'System do-not-disturb is on';

/** What became of one delivered event, once nothing about it is left to do. */
export interface SettledDelivery {
  eventId: string;
  /** The pop-up's record, when one was owed; null when none was. */
  popup: PopupRecord | null;
}

/** Why a ringing call seen after its end never pops up. */
const callEndedReason = 'The call had ended before it could pop up';

/** How many ended call ids are remembered, so a late "ringing" for them is listed as missed. */
const endedCallMemory = 2_000;

interface Delivery extends Coalescable {
  inApp: boolean;
  quietReason: string | null;
}

/**
 * Delivers decided events to people: desktop pop-ups through the notifier port and the in-app
 * list as a second sink that keeps every item.
 *
 * - The in-app item of an event is written in its event's batch, during a catch-up too, so it
 *   commits with the decision (a kill cannot lose it). A pop-up that cannot show at all lists
 *   the alert there too; a ringing call already over is listed as missed.
 * - Which pop-ups show now, wait in a window, become one, or are held by a catch-up (a
 *   reconnect's replay, a wake-up) is the `CoalescingPolicy`'s to say (see there); it is asked
 *   once the event's batch committed, so a batch that rolls back leaves nothing behind here.
 *   This engine carries out its steps against the ports and runs its windows' timers.
 * - An alert held back by a mute, do-not-disturb, quiet hours or another call is still listed,
 *   with the reason. A pop-up that fails, or cannot be shown at all, is listed too and counted in
 *   `health`.
 * - What became of each pop-up (shown, failed with the notifier's error, withdrawn) is recorded
 *   with its event once it was handed off, so a restart does not raise it again; then, or at the
 *   commit when no pop-up was owed, the delivery is settled (`onSettled`).
 */
export class DeliveryEngine {
  readonly #clock: Clock;
  readonly #notifier: NotifierPort;
  readonly #logger: Logger;
  readonly #events: ProcessedEventRepository;
  readonly #list: InAppList;
  readonly #describer: EventDescriber;
  readonly #batches: Pick<BatchRunner, 'afterCommit'>;
  readonly #windowMilliseconds: number;
  readonly #policy = new CoalescingPolicy<Delivery>();
  /** Calls whose end was delivered: a later "ringing" for one is a missed call. */
  readonly #endedCalls = new RecentSet(endedCallMemory);
  /** The timer of each open coalescing window, by group key. */
  readonly #windowTimers = new Map<string, TimerHandle>();
  readonly #notifierHealth: NotifierHealth;
  readonly #openListeners = new Set<(itemId: string) => void>();
  readonly #settledListeners = new Set<(settled: readonly SettledDelivery[]) => void>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #breakThrough: () => readonly AlertType[];
  #stopped = false;

  constructor(options: DeliveryEngineOptions) {
    this.#clock = options.clock;
    this.#notifier = options.notifier;
    this.#logger = options.logger;
    this.#list = new InAppList({
      notifications: options.notifications,
      logger: options.logger,
      clock: options.clock,
    });
    this.#notifierHealth = new NotifierHealth({
      notifier: options.notifier,
      logger: options.logger,
      clock: options.clock,
      list: this.#list,
    });
    this.#events = options.events;
    this.#describer = withFallback(options.describer, (id, error) =>
      this.#logger.error('Describing an event failed', { id, error: String(error) }),
    );
    this.#batches = options.batches;
    this.#windowMilliseconds = options.coalesceWindowMilliseconds ?? 2_000;
    this.#breakThrough = options.breakThrough ?? (() => []);
    this.#notifier.onClick((itemId) => {
      if (this.#stopped) return;
      for (const listener of [...this.#openListeners]) listener(itemId);
    });
  }

  /** Health lines for the person (no notification daemon, failing pop-ups). */
  get health(): Observable<HealthNotice[]> {
    return this.#notifierHealth.health;
  }

  /** Unread in-app items. */
  get unread(): Observable<number> {
    return this.#list.unread;
  }

  /** Counts for status and tests: pop-ups handed to the notifier, and those that failed. */
  get stats(): { popupsShown: number; popupFailures: number } {
    return this.#notifierHealth.stats;
  }

  /**
   * Probes the notifier, then follows its availability: when pop-ups become unavailable, that is
   * said once in `health` and the list, and alerts go to the list; when they come back (a daemon
   * appeared), the notice goes and the next alert pops up.
   */
  async start(): Promise<void> {
    await this.#notifierHealth.start();
  }

  /**
   * Takes the policy's decision for one event, inside its batch: the in-app item now (an in-app
   * delivery, a quiet suppression with its reason, a missed call, or the fallback of a pop-up
   * that cannot show), the pop-up once the batch committed (coalesced). Call it for every
   * decided event, alerts or not: an ended call is how a ringing one is known to be over. A
   * failed write throws: the batch must roll back.
   */
  deliver(event: AlertEvent, decision: Decision): void {
    if (this.#stopped) return;
    const suppression = decision.suppressed.find(
      (entry) => entry.channel === 'desktop' && quietReasonCodes.includes(entry.code),
    );
    const wanted = decision.deliveries.some((entry) => entry.channel === 'desktop');
    // The desktop's own do-not-disturb holds the pop-up: listed with the reason, recorded.
    const heldBySystem =
      wanted && this.#notifier.systemDoNotDisturb.get().on && !this.#ringsThrough(event, decision);
    const popUp = wanted && !heldBySystem;
    const inApp = heldBySystem || decision.deliveries.some((entry) => entry.channel === 'inApp');
    // The explanation names lines, which come from the service: shown in the list, so bounded.
    const quietReason = heldBySystem
      ? systemDoNotDisturbReason
      : suppression
        ? sanitizeNotificationText(suppression.explanation, bodyLimits)
        : null;
    const held: PopupRecord | null = heldBySystem
      ? { status: 'withdrawn', reason: systemDoNotDisturbReason }
      : null;
    if (held) this.#events.markNotified(event.id, this.#clock.now(), held);
    if (event.kind === 'call' && event.state === 'ended') this.#endedCalls.add(event.callId);
    const missedCall =
      event.kind === 'call' && event.state === 'ringing' && this.#endedCalls.has(event.callId)
        ? event
        : null;
    const missed = missedCall !== null;
    if (missedCall) {
      if (popUp || inApp) this.#list.put(this.#missedCallItem(missedCall, quietReason));
      if (popUp) {
        this.#events.markNotified(event.id, this.#clock.now(), {
          status: 'withdrawn',
          reason: callEndedReason,
        });
      }
    } else if (inApp || (popUp && this.#notifierHealth.available === false)) {
      this.#list.add(this.#list.itemOf(event, this.#describer.describe(event), quietReason));
    }
    this.#batches.afterCommit(() => {
      if (this.#stopped) return;
      if (!popUp || missed) {
        this.#settle([event.id], missed && popUp ? withdrawn() : held);
      }
      if (!missed) this.#carryOut(this.#policy.coalesce({ event, popUp, inApp, quietReason }));
    });
  }

  /** A ringing call of a type the person lets break through quiet hours. */
  #ringsThrough(event: AlertEvent, decision: Decision): boolean {
    return (
      event.kind === 'call' &&
      event.state === 'ringing' &&
      decision.alertType !== null &&
      this.#breakThrough().includes(decision.alertType)
    );
  }

  /** Holds pop-ups (reconnect backlog, wake-up) until `endCatchUp()`. Nests. */
  beginCatchUp(): void {
    this.#policy.beginCatchUp();
  }

  /** Pops the held backlog's summaries, as the coalescing policy groups them. */
  endCatchUp(): void {
    this.#carryOut(this.#policy.endCatchUp());
  }

  /** Listens for clicked pop-ups: the item to open. Returns the function that stops listening. */
  onOpenItem(listener: (itemId: string) => void): () => void {
    this.#openListeners.add(listener);
    return () => this.#openListeners.delete(listener);
  }

  /**
   * Listens for settled deliveries: after the commit when no pop-up was owed, else once the
   * pop-up's record is written. Returns the function that stops listening.
   */
  onSettled(listener: (settled: readonly SettledDelivery[]) => void): () => void {
    this.#settledListeners.add(listener);
    return () => this.#settledListeners.delete(listener);
  }

  /** Marks in-app items read and refreshes `unread`. */
  markRead(ids: readonly string[]): number {
    return this.#list.markRead(ids);
  }

  /**
   * Pops what coalescing windows still hold, then waits until every pop-up has been handed to
   * the notifier (tests, shutdown).
   */
  async flush(): Promise<void> {
    this.#clearWindowTimers();
    this.#carryOut(this.#policy.drain());
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /**
   * Stops timers. Pop-ups still waiting in a window are not marked notified, so the next start
   * raises them again; call `flush()` first to hand them off.
   */
  stop(): void {
    this.#stopped = true;
    this.#notifierHealth.stop();
    this.#clearWindowTimers();
    this.#policy.closeWindows();
  }

  /** Does what the coalescing policy said, in its order (after the commit: outside any batch). */
  #carryOut(steps: readonly CoalescingStep<Delivery>[]): void {
    for (const step of steps) {
      switch (step.step) {
        case 'release':
          // Its in-app item was written with its event (`deliver`).
          break;
        case 'missedCall':
          // Held by a catch-up whose backlog also held its end: listed as missed instead.
          if (step.delivery.popUp || step.delivery.inApp) {
            this.#list.addLogged(this.#missedCallItem(step.call, step.delivery.quietReason), 'put');
          }
          if (step.delivery.popUp) this.#record([step.call.id], withdrawn());
          break;
        case 'withdraw':
          // Its ringing item, when it has one, stays as it was listed.
          this.#list.addLogged(this.#missedCallItem(step.call, null));
          this.#record([step.call.id], withdrawn());
          break;
        case 'show':
          this.#show(step.events);
          break;
        case 'openWindow':
          this.#openWindow(step.key);
          break;
      }
    }
  }

  #openWindow(key: string): void {
    const timer = this.#clock.setTimeout(() => {
      this.#windowTimers.delete(key);
      const steps = this.#policy.windowPassed(key);
      if (!this.#stopped) this.#carryOut(steps);
    }, this.#windowMilliseconds);
    this.#windowTimers.set(key, timer);
  }

  #clearWindowTimers(): void {
    for (const timer of this.#windowTimers.values()) this.#clock.clearTimeout(timer);
    this.#windowTimers.clear();
  }

  #missedCallItem(event: EventOfKind<'call'>, quietReason: string | null): InAppNotification {
    return this.#list.itemOf(event, this.#describer.describeMissedCall(event), quietReason);
  }

  #show(events: readonly AlertEvent[]): void {
    const last = events.at(-1);
    if (!last) return;
    const ids = events.map((event) => event.id);
    if (this.#notifierHealth.available === false) {
      for (const event of events)
        this.#list.addLogged(this.#list.itemOf(event, this.#describer.describe(event), null));
      this.#record(ids, { status: 'failed', reason: this.#notifierHealth.unavailableReason });
      return;
    }
    const text =
      events.length === 1 ? this.#describer.describe(last) : this.#describer.describeGroup(events);
    const content: PopupContent = { itemId: last.id, title: text.title, body: text.body };
    const handoff = this.#handOff(content, events).finally(() => {
      this.#inFlight.delete(handoff);
    });
    this.#inFlight.add(handoff);
  }

  async #handOff(content: PopupContent, events: readonly AlertEvent[]): Promise<void> {
    let reason: string | null = null;
    try {
      const result = await this.#notifier.show(content);
      if (!result.shown) reason = result.reason;
    } catch (error) {
      reason = String(error);
    }
    if (reason === null) {
      this.#notifierHealth.popupShown();
    } else {
      this.#notifierHealth.popupFailed(reason);
      // The in-app list is the fallback: nothing that failed to pop is lost.
      for (const event of events)
        this.#list.addLogged(this.#list.itemOf(event, this.#describer.describe(event), null));
    }
    this.#record(
      events.map((event) => event.id),
      reason === null ? { status: 'shown' } : { status: 'failed', reason: reason.slice(0, 500) },
    );
    // Where the desktop does not announce its do-not-disturb, it is read again for the next one.
    void this.#notifier.systemDoNotDisturb.current();
  }

  /**
   * Records what became of the pop-up of these events, outside any batch, and settles them once
   * the record is written: what listeners hear is on disk. A record that cannot be written is
   * not settled; the pop-up is raised again at the next start and settled then.
   */
  #record(ids: readonly string[], popup: PopupRecord): void {
    const now = this.#clock.now();
    for (const id of ids) this.#events.markNotified(id, now, popup);
    if (this.#events.flushMarks()) this.#settle(ids, popup);
    else this.#logger.error('Recording pop-ups failed', { count: ids.length });
  }

  #settle(ids: readonly string[], popup: PopupRecord | null): void {
    if (this.#settledListeners.size === 0) return;
    const settled = ids.map((eventId) => ({ eventId, popup }));
    for (const listener of [...this.#settledListeners]) {
      try {
        listener(settled);
      } catch (error) {
        this.#logger.error('A settled-delivery listener failed', { error: String(error) });
      }
    }
  }
}

function withdrawn(): PopupRecord {
  return { status: 'withdrawn', reason: callEndedReason };
}
