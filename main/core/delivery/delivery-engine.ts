import type {
  AlertEvent,
  AlertType,
  Decision,
  EventOfKind,
  HealthNotice,
  InAppNotification,
  ReasonCode,
} from '../../../common';
import {
  ObservableValue,
  type Clock,
  type Logger,
  type NotifierAvailability,
  type NotifierPort,
  type Observable,
  type PopupContent,
  type TimerHandle,
} from '../ports';
import type { InAppNotificationRepository, ProcessedEventRepository } from '../store/repositories';
import { CoalescingPolicy, type Coalescable, type CoalescingStep } from './coalescing-policy';
import { createEventDescriber, type Description, type EventDescriber } from './describe';
import { InAppList } from './in-app-list';
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
   * The alert types the person lets break through quiet hours (their preferences, read per
   * event): a ringing call of one of them still pops up while the system's do-not-disturb is on.
   * Default none.
   */
  breakThrough?: () => readonly AlertType[];
}

/** The in-app reason of an alert the desktop's own do-not-disturb held back. */
export const systemDoNotDisturbReason = 'System do-not-disturb is on';

/** Reasons that hold back a pop-up but leave the alert for the in-app list, with the reason. */
const quietReasonCodes: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'onAnotherCall',
  'lineMuted',
  'doNotDisturb',
  'quietHours',
]);

/**
 * Words when the session's describer throws (a lookup failed): the built-in ones with no lookups
 * ("line line-support" for the line, UTC), so the alert still reads as what it is.
 */
const withoutLookups = createEventDescriber({ lineName: () => null });

interface Delivery extends Coalescable {
  inApp: boolean;
  quietReason: string | null;
}

/**
 * Delivers decided events to people: desktop pop-ups through the notifier port and the in-app
 * list as a second sink that keeps every item.
 *
 * - Which pop-ups show now, wait in a window, become one, or are held by a catch-up (a
 *   reconnect's replay, a wake-up) is the `CoalescingPolicy`'s to say (see there); this engine
 *   carries out its steps against the ports and runs its windows' timers.
 * - An alert held back by a mute, do-not-disturb, quiet hours or another call is still listed,
 *   with the reason. A pop-up that fails, or cannot be shown at all, is listed too and counted in
 *   `health`; nothing here throws at the caller.
 * - Every event that was to pop up is marked notified once its pop-up was handed off or failed,
 *   so a restart does not raise it again.
 */
export class DeliveryEngine {
  readonly #clock: Clock;
  readonly #notifier: NotifierPort;
  readonly #logger: Logger;
  readonly #events: ProcessedEventRepository;
  readonly #list: InAppList;
  readonly #describer: EventDescriber;
  readonly #windowMilliseconds: number;
  readonly #policy = new CoalescingPolicy<Delivery>();
  /** The timer of each open coalescing window, by group key. */
  readonly #windowTimers = new Map<string, TimerHandle>();
  readonly #health = new ObservableValue<HealthNotice[]>([]);
  readonly #openListeners = new Set<(itemId: string) => void>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #breakThrough: () => readonly AlertType[];
  #stopFollowing: (() => void) | null = null;
  #notifierAvailable: boolean | null = null;
  #started = false;
  #stopped = false;
  #failures = 0;
  #popupsShown = 0;

  constructor(options: DeliveryEngineOptions) {
    this.#clock = options.clock;
    this.#notifier = options.notifier;
    this.#logger = options.logger;
    this.#list = new InAppList({ notifications: options.notifications, logger: options.logger });
    this.#events = options.events;
    this.#describer = options.describer;
    this.#windowMilliseconds = options.coalesceWindowMilliseconds ?? 2_000;
    this.#breakThrough = options.breakThrough ?? (() => []);
    this.#notifier.onClick((itemId) => {
      if (this.#stopped) return;
      for (const listener of [...this.#openListeners]) listener(itemId);
    });
  }

  /** Health lines for the person (no notification daemon, failing pop-ups). */
  get health(): Observable<HealthNotice[]> {
    return this.#health;
  }

  /** Unread in-app items. */
  get unread(): Observable<number> {
    return this.#list.unread;
  }

  /** Counts for status and tests: pop-ups handed to the notifier, and those that failed. */
  get stats(): { popupsShown: number; popupFailures: number } {
    return { popupsShown: this.#popupsShown, popupFailures: this.#failures };
  }

  /**
   * Probes the notifier, then follows its availability: when pop-ups become unavailable, that is
   * said once in `health` and the list, and alerts go to the list; when they come back (a daemon
   * appeared), the notice goes and the next alert pops up.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    let result: NotifierAvailability;
    try {
      result = await this.#notifier.probe();
    } catch (error) {
      result = { available: false, reason: `The notification check failed: ${String(error)}` };
    }
    if (this.#stopped) return;
    this.#availabilityChanged(result);
    this.#stopFollowing = this.#notifier.availability.subscribe((value) => {
      if (value && !this.#stopped) this.#availabilityChanged(value);
    });
  }

  #availabilityChanged(result: NotifierAvailability): void {
    if (result.available) {
      this.#notifierAvailable = true;
      const notices = this.#health.get();
      const others = notices.filter((entry) => entry.code !== 'notifierUnavailable');
      if (others.length !== notices.length) this.#health.set(others);
      return;
    }
    if (this.#notifierAvailable === false) return;
    this.#notifierAvailable = false;
    const message = `Desktop pop-ups are unavailable: ${result.reason}. Alerts still appear in the in-app list.`;
    this.#logger.warn('Desktop pop-ups are unavailable', { reason: result.reason });
    this.#setNotice({ code: 'notifierUnavailable', message });
    const now = this.#clock.now();
    this.#list.add({
      id: `local:health:notifier:${now}`,
      eventId: `local:health:notifier:${now}`,
      title: 'Desktop pop-ups are unavailable',
      body: message,
      createdAt: now,
      read: false,
      quietReason: null,
    });
  }

  /**
   * Takes the policy's decision for one event: a desktop delivery pops up (coalesced), an in-app
   * delivery or a quiet suppression (mute, do-not-disturb, quiet hours, another call) is listed.
   * Call it for every decided event, alerts or not: an ended call is how a ringing one is
   * known to be over.
   */
  deliver(event: AlertEvent, decision: Decision): void {
    if (this.#stopped) return;
    const suppression = decision.suppressed.find(
      (entry) => entry.channel === 'desktop' && quietReasonCodes.has(entry.code),
    );
    const popUp = decision.deliveries.some((entry) => entry.channel === 'desktop');
    // The desktop's own do-not-disturb holds the pop-up: listed with the reason, marked notified.
    const heldBySystem =
      popUp && this.#notifier.systemDoNotDisturb.get().on && !this.#ringsThrough(event, decision);
    this.#carryOut(
      this.#policy.coalesce({
        event,
        popUp: popUp && !heldBySystem,
        inApp: heldBySystem || decision.deliveries.some((entry) => entry.channel === 'inApp'),
        // The explanation names lines, which come from the service: shown in the list, so bounded.
        quietReason: heldBySystem
          ? systemDoNotDisturbReason
          : suppression
            ? sanitizeNotificationText(suppression.explanation, bodyLimits)
            : null,
      }),
    );
    if (heldBySystem) this.#markNotified([event.id]);
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

  /** Holds deliveries (reconnect backlog, wake-up) until `endCatchUp()`. Nests. */
  beginCatchUp(): void {
    this.#policy.beginCatchUp();
  }

  /** Lists the held backlog and pops its summaries, as the coalescing policy groups them. */
  endCatchUp(): void {
    this.#carryOut(this.#policy.endCatchUp());
  }

  /** Listens for clicked pop-ups: the item to open. Returns the function that stops listening. */
  onOpenItem(listener: (itemId: string) => void): () => void {
    this.#openListeners.add(listener);
    return () => this.#openListeners.delete(listener);
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
    this.#stopFollowing?.();
    this.#clearWindowTimers();
    this.#policy.closeWindows();
  }

  /** Does what the coalescing policy said, in its order. */
  #carryOut(steps: readonly CoalescingStep<Delivery>[]): void {
    for (const step of steps) {
      switch (step.step) {
        case 'release':
          this.#release(step.delivery);
          break;
        case 'missedCall':
          // The pop-up it would have been goes to the list instead, like any that cannot show.
          if (step.delivery.popUp || step.delivery.inApp) {
            this.#addMissedCallItem(step.call, step.delivery.quietReason);
          }
          if (step.delivery.popUp) this.#markNotified([step.call.id]);
          break;
        case 'withdraw':
          this.#addMissedCallItem(step.call, null);
          this.#markNotified([step.call.id]);
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

  #addMissedCallItem(event: EventOfKind<'call'>, quietReason: string | null): void {
    const text = this.#describe(event.id, (describer) => describer.describeMissedCall(event));
    this.#list.add(this.#item(event, text, quietReason));
  }

  /**
   * The in-app item of a delivery, when it gets one now: when the policy delivers in-app (a
   * muted alert carries its reason), or as the fallback of a pop-up that cannot show. A muted
   * alert whose in-app channel is off (by the person or the business) is not listed.
   */
  #release(delivery: Delivery): void {
    const popUpCannotShow = delivery.popUp && this.#notifierAvailable === false;
    if (delivery.inApp || popUpCannotShow) {
      this.#list.add(
        this.#item(delivery.event, this.#describeOne(delivery.event), delivery.quietReason),
      );
    }
  }

  #item(event: AlertEvent, text: Description, quietReason: string | null): InAppNotification {
    return {
      id: event.id,
      eventId: event.id,
      title: text.title,
      body: text.body,
      createdAt: this.#clock.now(),
      read: false,
      quietReason,
    };
  }

  #show(events: readonly AlertEvent[]): void {
    const last = events.at(-1);
    if (!last) return;
    const ids = events.map((event) => event.id);
    if (this.#notifierAvailable === false) {
      for (const event of events) this.#list.add(this.#item(event, this.#describeOne(event), null));
      this.#markNotified(ids);
      return;
    }
    const text =
      events.length === 1
        ? this.#describeOne(last)
        : this.#describe(last.id, (describer) => describer.describeGroup(events));
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
      this.#popupsShown++;
    } else {
      this.#popupFailed(reason);
      // The in-app list is the fallback: nothing that failed to pop is lost.
      for (const event of events) this.#list.add(this.#item(event, this.#describeOne(event), null));
    }
    this.#markNotified(events.map((event) => event.id));
    // Where the desktop does not announce its do-not-disturb, it is read again for the next one.
    void this.#notifier.systemDoNotDisturb.current();
  }

  #popupFailed(reason: string): void {
    this.#failures++;
    if (this.#failures === 1 || this.#failures % 100 === 0) {
      this.#logger.warn('A desktop pop-up could not be shown', {
        reason,
        failures: this.#failures,
      });
    }
    const noun = this.#failures === 1 ? 'pop-up' : 'pop-ups';
    this.#setNotice({
      code: 'popupFailures',
      message: `${this.#failures} desktop ${noun} could not be shown (last: ${reason}); they are in the in-app list.`,
    });
  }

  #setNotice(notice: HealthNotice): void {
    const others = this.#health.get().filter((entry) => entry.code !== notice.code);
    this.#health.set([...others, notice]);
  }

  #markNotified(ids: readonly string[]): void {
    const now = this.#clock.now();
    for (const id of ids) {
      try {
        this.#events.markNotified(id, now);
      } catch (error) {
        this.#logger.error('Marking an event notified failed', { id, error: String(error) });
      }
    }
  }

  #describeOne(event: AlertEvent): Description {
    return this.#describe(event.id, (describer) => describer.describe(event));
  }

  /** Words from the session's describer; if it throws, from the one that needs no lookups. */
  #describe(id: string, words: (describer: EventDescriber) => Description): Description {
    try {
      return words(this.#describer);
    } catch (error) {
      this.#logger.error('Describing an event failed', { id, error: String(error) });
      return words(withoutLookups);
    }
  }
}
