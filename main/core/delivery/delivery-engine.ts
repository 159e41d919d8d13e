import type {
  AlertEvent,
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
  type NotifierPort,
  type Observable,
  type PopupContent,
  type TimerHandle,
} from '../ports';
import type { InAppNotificationRepository, ProcessedEventRepository } from '../store/repositories';
import { bounded, createEventDescriber, type Description, type DescriberLookups } from './describe';
import { bodyLimits, sanitizeNotificationText } from './sanitize';

export interface DeliveryEngineOptions {
  clock: Clock;
  notifier: NotifierPort;
  logger: Logger;
  notifications: InAppNotificationRepository;
  events: ProcessedEventRepository;
  /**
   * Title and body of one event; default: the built-in formatter over `lineName`/`timeZone`.
   * What it returns is sanitised and bounded like the built-in text.
   */
  describe?: (event: AlertEvent) => Description;
  /** Line names for the built-in formatter (also used for group summaries and missed calls). */
  lineName?: DescriberLookups['lineName'];
  /** The person's time zone for appointment times. */
  timeZone?: () => string;
  /** After a pop-up, more of the same line and kind within this window become one. Default 2 s. */
  coalesceWindowMs?: number;
}

/** Reasons that hold back a pop-up but leave the alert for the in-app list, with the reason. */
const quietReasonCodes: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'onAnotherCall',
  'lineMuted',
  'doNotDisturb',
  'quietHours',
]);

/** How many ended call ids are remembered, so a late "ringing" for them never pops. */
const endedCallMemory = 2_000;
/** How many event ids with an in-app item are remembered, so a redelivery adds no duplicate. */
const itemMemory = 20_000;

interface Delivery {
  event: AlertEvent;
  popUp: boolean;
  inApp: boolean;
  quietReason: string | null;
}

interface Window {
  pending: AlertEvent[];
  timer: TimerHandle;
}

/** A set that forgets its oldest entries past `limit`: bounded memory for a long-running day. */
class RecentSet {
  readonly #values = new Set<string>();
  constructor(readonly limit: number) {}
  has(value: string): boolean {
    return this.#values.has(value);
  }
  add(value: string): void {
    this.#values.add(value);
    if (this.#values.size > this.limit) {
      const oldest = this.#values.values().next();
      if (!oldest.done) this.#values.delete(oldest.value);
    }
  }
}

function groupKey(event: AlertEvent): string {
  return `${'lineId' in event ? event.lineId : ''}\u0000${event.kind}`;
}

function isRingingCall(event: AlertEvent): event is EventOfKind<'call'> {
  return event.kind === 'call' && event.state === 'ringing';
}

/**
 * Delivers decided events to people: desktop pop-ups through the notifier port and the in-app
 * list as a second sink that keeps every item.
 *
 * - Pop-ups are coalesced per line and kind: the first pops at once, the rest of a burst within
 *   the window become one "7 new texts on Support Line from Ann Lee and 2 others".
 * - Between `beginCatchUp()` and `endCatchUp()` (a reconnect's replay, a wake-up) deliveries are
 *   held and become one pop-up per line and kind; a ringing call whose end is in the backlog
 *   becomes a missed-call item and never pops.
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
  readonly #notifications: InAppNotificationRepository;
  readonly #events: ProcessedEventRepository;
  readonly #describe: (event: AlertEvent) => Description;
  readonly #formatter: ReturnType<typeof createEventDescriber>;
  readonly #windowMilliseconds: number;
  readonly #health = new ObservableValue<HealthNotice[]>([]);
  readonly #unread: ObservableValue<number>;
  readonly #openListeners = new Set<(itemId: string) => void>();
  readonly #windows = new Map<string, Window>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #endedCalls = new RecentSet(endedCallMemory);
  readonly #itemsAdded = new RecentSet(itemMemory);
  #held: Delivery[] = [];
  #catchUpDepth = 0;
  #notifierAvailable: boolean | null = null;
  #unavailableReason: string | null = null;
  #started = false;
  #stopped = false;
  /** A recount of unread items is queued for the end of this turn. */
  #unreadRecountQueued = false;
  #failures = 0;
  #popupsShown = 0;

  constructor(options: DeliveryEngineOptions) {
    this.#clock = options.clock;
    this.#notifier = options.notifier;
    this.#logger = options.logger;
    this.#notifications = options.notifications;
    this.#events = options.events;
    this.#formatter = createEventDescriber({
      lineName: options.lineName ?? (() => null),
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    });
    const custom = options.describe;
    this.#describe = custom
      ? (event) => {
          const text = custom(event);
          return bounded(text.title, text.body);
        }
      : this.#formatter.describe;
    this.#windowMilliseconds = options.coalesceWindowMs ?? 2_000;
    this.#unread = new ObservableValue(this.#safeUnreadCount(0));
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
    return this.#unread;
  }

  /** Counts for status and tests: pop-ups handed to the notifier, and those that failed. */
  get stats(): { popupsShown: number; popupFailures: number } {
    return { popupsShown: this.#popupsShown, popupFailures: this.#failures };
  }

  /** Probes the notifier once; an unavailable one is reported in `health` and the list, once. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    let result: Awaited<ReturnType<NotifierPort['probe']>>;
    try {
      result = await this.#notifier.probe();
    } catch (error) {
      result = { available: false, reason: `The notification check failed: ${String(error)}` };
    }
    if (result.available) {
      this.#notifierAvailable = true;
      return;
    }
    this.#notifierAvailable = false;
    this.#unavailableReason = result.reason;
    const message = `Desktop pop-ups are unavailable: ${result.reason}. Alerts still appear in the in-app list.`;
    this.#logger.warn('Desktop pop-ups are unavailable', { reason: result.reason });
    this.#setNotice({ code: 'notifierUnavailable', message });
    const now = this.#clock.now();
    this.#addItem({
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
    const delivery: Delivery = {
      event,
      popUp: decision.deliveries.some((entry) => entry.channel === 'desktop'),
      inApp: decision.deliveries.some((entry) => entry.channel === 'inApp'),
      // The explanation names lines, which come from the service: shown in the list, so bounded.
      quietReason: suppression
        ? sanitizeNotificationText(suppression.explanation, bodyLimits)
        : null,
    };
    if (event.kind === 'call' && event.state === 'ended') this.#callEnded(event);
    if (this.#catchUpDepth > 0) {
      this.#held.push(delivery);
      return;
    }
    if (isRingingCall(event) && this.#endedCalls.has(event.callId)) {
      this.#missedCall(delivery, event);
      return;
    }
    this.#list(delivery);
    if (delivery.popUp) this.#enqueue(event);
  }

  /** Holds deliveries (reconnect backlog, wake-up) until `endCatchUp()`. Nests. */
  beginCatchUp(): void {
    this.#catchUpDepth++;
  }

  /** Lists the held backlog and pops one summary per line and kind. */
  endCatchUp(): void {
    if (this.#catchUpDepth === 0) return;
    this.#catchUpDepth--;
    if (this.#catchUpDepth > 0) return;
    const held = this.#held;
    this.#held = [];
    const groups = new Map<string, AlertEvent[]>();
    for (const delivery of held) {
      const { event } = delivery;
      if (isRingingCall(event) && this.#endedCalls.has(event.callId)) {
        this.#missedCall(delivery, event);
        continue;
      }
      this.#list(delivery);
      if (!delivery.popUp) continue;
      const key = groupKey(event);
      const group = groups.get(key);
      if (group) group.push(event);
      else groups.set(key, [event]);
    }
    for (const [key, events] of groups) {
      const window = this.#windows.get(key);
      if (window) window.pending.push(...events);
      else this.#popUp(key, events);
    }
  }

  /** Listens for clicked pop-ups: the item to open. Returns the function that stops listening. */
  onOpenItem(listener: (itemId: string) => void): () => void {
    this.#openListeners.add(listener);
    return () => this.#openListeners.delete(listener);
  }

  /** Marks in-app items read and refreshes `unread`. */
  markRead(ids: readonly string[]): number {
    let changed = 0;
    try {
      changed = this.#notifications.markRead(ids);
    } catch (error) {
      this.#logger.error('Marking in-app items read failed', { error: String(error) });
    }
    this.#unread.set(this.#safeUnreadCount(this.#unread.get()));
    return changed;
  }

  /**
   * Pops what coalescing windows still hold, then waits until every pop-up has been handed to
   * the notifier (tests, shutdown).
   */
  async flush(): Promise<void> {
    for (const [key, window] of [...this.#windows]) {
      this.#clock.clearTimeout(window.timer);
      this.#windows.delete(key);
      if (window.pending.length > 0) this.#show(window.pending);
    }
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /**
   * Stops timers. Pop-ups still waiting in a window are not marked notified, so the next start
   * raises them again; call `flush()` first to hand them off.
   */
  stop(): void {
    this.#stopped = true;
    for (const window of this.#windows.values()) this.#clock.clearTimeout(window.timer);
    this.#windows.clear();
  }

  #callEnded(ended: EventOfKind<'call'>): void {
    this.#endedCalls.add(ended.callId);
    // A ringing pop-up still waiting in its window (same line, kind call) is withdrawn: the
    // call is over. Only that window is searched, never the texts of a burst.
    const window = this.#windows.get(groupKey(ended));
    const index =
      window?.pending.findIndex((event) => isRingingCall(event) && event.callId === ended.callId) ??
      -1;
    const ringing = window?.pending[index];
    if (!window || index < 0 || !ringing || !isRingingCall(ringing)) return;
    window.pending.splice(index, 1);
    this.#addMissedCallItem(ringing, null);
    this.#markNotified([ringing.id]);
  }

  /** A ringing call already over: a missed-call item when it would have alerted, no pop-up. */
  #missedCall(delivery: Delivery, event: EventOfKind<'call'>): void {
    // The pop-up it would have been goes to the list instead, like any pop-up that cannot show.
    if (delivery.popUp || delivery.inApp) {
      this.#addMissedCallItem(event, delivery.quietReason);
    }
    if (delivery.popUp) this.#markNotified([event.id]);
  }

  #addMissedCallItem(event: EventOfKind<'call'>, quietReason: string | null): void {
    const { title, body } = this.#formatter.describeMissedCall(event);
    this.#addItem(this.#item(event, { title, body }, quietReason));
  }

  /**
   * The in-app item of a delivery, when it gets one now: when the policy delivers in-app (a
   * muted alert carries its reason), or as the fallback of a pop-up that cannot show. A muted
   * alert whose in-app channel is off (by the person or the business) is not listed.
   */
  #list(delivery: Delivery): void {
    const popUpCannotShow = delivery.popUp && this.#notifierAvailable === false;
    if (delivery.inApp || popUpCannotShow) {
      this.#addItem(
        this.#item(delivery.event, this.#safeDescribe(delivery.event), delivery.quietReason),
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

  #addItem(item: InAppNotification): void {
    if (this.#itemsAdded.has(item.id)) return;
    this.#itemsAdded.add(item.id);
    try {
      this.#notifications.add(item);
    } catch (error) {
      this.#logger.error('Adding an in-app item failed', { id: item.id, error: String(error) });
    }
    this.#recountUnreadSoon();
  }

  /**
   * Counting unread items scans the list, and every change is sent to the window: a burst of
   * 1,000 items costs one count and one update at the end of the turn, not 1,000.
   */
  #recountUnreadSoon(): void {
    if (this.#unreadRecountQueued) return;
    this.#unreadRecountQueued = true;
    queueMicrotask(() => {
      this.#unreadRecountQueued = false;
      this.#unread.set(this.#safeUnreadCount(this.#unread.get()));
    });
  }

  /** First of a line and kind pops now and opens a window; later ones wait in it. */
  #enqueue(event: AlertEvent): void {
    const key = groupKey(event);
    const window = this.#windows.get(key);
    if (window) window.pending.push(event);
    else this.#popUp(key, [event]);
  }

  #popUp(key: string, events: AlertEvent[]): void {
    this.#show(events);
    this.#openWindow(key);
  }

  #openWindow(key: string): void {
    const timer = this.#clock.setTimeout(() => this.#closeWindow(key), this.#windowMilliseconds);
    this.#windows.set(key, { pending: [], timer });
  }

  #closeWindow(key: string): void {
    const window = this.#windows.get(key);
    this.#windows.delete(key);
    if (!window || window.pending.length === 0 || this.#stopped) return;
    // What the window collected pops as one, and a burst still going keeps a window open.
    this.#popUp(key, window.pending);
  }

  #show(events: readonly AlertEvent[]): void {
    const last = events.at(-1);
    if (!last) return;
    const ids = events.map((event) => event.id);
    if (this.#notifierAvailable === false) {
      for (const event of events) this.#addItem(this.#item(event, this.#safeDescribe(event), null));
      this.#markNotified(ids);
      return;
    }
    const text =
      events.length === 1 ? this.#safeDescribe(last) : this.#formatter.describeGroup(events);
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
      for (const event of events) this.#addItem(this.#item(event, this.#safeDescribe(event), null));
    }
    this.#markNotified(events.map((event) => event.id));
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

  #safeDescribe(event: AlertEvent): Description {
    try {
      return this.#describe(event);
    } catch (error) {
      this.#logger.error('Describing an event failed', { id: event.id, error: String(error) });
      return this.#formatter.describe(event);
    }
  }

  #safeUnreadCount(fallback: number): number {
    try {
      return this.#notifications.unreadCount();
    } catch {
      return fallback;
    }
  }

  /** Why pop-ups cannot be shown, when the probe found so (status lines). */
  get unavailableReason(): string | null {
    return this.#unavailableReason;
  }
}
