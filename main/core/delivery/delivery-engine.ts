import {
  quietReasonCodes,
  type AlertEvent,
  type AlertType,
  type Decision,
  type HealthNotice,
  type PopupRecord,
} from '../../../common';
import type { BatchRunner } from '../event-batch';
import type { Clock, Logger, NotifierPort, Observable } from '../ports';
import type { InAppNotificationRepository, ProcessedEventRepository } from '../store/repositories';
import {
  CallLife,
  longestRingMilliseconds,
  ringsThrough,
  withdrawn,
  type RingOutCheck,
} from './call-life';
import { callPopupKey, CoalescingPolicy } from './coalescing-policy';
import type { EventDescriber } from './describe';
import { withFallback } from './describe-fallback';
import { InAppList } from './in-app-list';
import { KeyTimers } from './key-timers';
import { NotifierHealth } from './notifier-health';
import { PopupBoard, type HandOff } from './popup-board';
import { PopupCommands, type PopupCommand } from './popup-commands';
import { missedCallContent, popupContentOf } from './popup-content';
import { PopupRecords, type SettledDelivery } from './popup-records';
import { bodyLimits, sanitizeNotificationText } from './sanitize';
import { SlicedQueue } from './sliced-queue';
import {
  backlogSlice,
  backlogSteps,
  stepSliceMilliseconds,
  type Delivery,
  type EngineStep,
} from './engine-steps';

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
  /**
   * A group's pop-up stays one while its alerts come closer than this; where the notifier
   * cannot replace in place, at most one new pop-up per group per window. Default 2 s.
   */
  coalesceWindowMilliseconds?: number;
  /**
   * The session's event batches (main/core/event-batch.ts): a delivery's in-app item is
   * written in its event's batch, its pop-up is coalesced once that batch committed.
   */
  batches: Pick<BatchRunner, 'afterCommit' | 'run'>;
  /**
   * The alert types the person lets break through quiet hours (their preferences, read per
   * event): a ringing call of one of them still pops up while the system's do-not-disturb is on.
   * Default none.
   */
  breakThrough?: () => readonly AlertType[];
}

/** The in-app reason of an alert the desktop's own do-not-disturb held back. */
export const systemDoNotDisturbReason = 'System do-not-disturb is on';

export type { SettledDelivery } from './popup-records';

/**
 * Delivers decided events to people: desktop pop-ups through the notifier port and the in-app
 * list as a second sink that keeps every item.
 *
 * - The in-app item of an event is written in its event's batch, during a catch-up too, so it
 *   commits with the decision (a kill cannot lose it). A pop-up that cannot show at all lists
 *   the alert there too.
 * - A call's life (`CallLife`, read from the store): its ringing pop-up is critical and stays
 *   until the call stops ringing; then it is closed (answered, here or on any device: its item
 *   says who answered) or replaced by "Missed call from …" (missed, or the caller hung up). A
 *   ringing call seen after its stop never pops; its item says how it ended.
 * - Which pop-ups show, which update a group's pop-up in place, and what a catch-up (a
 *   reconnect's replay, a wake-up) holds is the `CoalescingPolicy`'s to say; it is asked once the
 *   event's batch committed, so a batch that rolls back leaves nothing behind here. This engine
 *   carries out its steps (`PopupBoard`) and runs its timers.
 * - An alert held back by a mute, do-not-disturb, quiet hours or another call is still listed,
 *   with the reason. A pop-up that fails, or cannot be shown at all, is listed too and counted in
 *   `health`.
 * - What became of each pop-up (shown, failed with the notifier's error, withdrawn) is recorded
 *   with its event once it was handed off, so a restart does not raise it again; then, or at the
 *   commit when no pop-up was owed, the delivery is settled (`onSettled`).
 * - Clicks and buttons become `PopupCommand`s (`onOpenItem`, `onPopupCommand`).
 */
export class DeliveryEngine {
  readonly #clock: Clock;
  readonly #notifier: NotifierPort;
  readonly #logger: Logger;
  readonly #events: ProcessedEventRepository;
  readonly #list: InAppList;
  readonly #describer: EventDescriber;
  readonly #batches: Pick<BatchRunner, 'afterCommit' | 'run'>;
  readonly #policy: CoalescingPolicy<Delivery>;
  readonly #calls: CallLife;
  readonly #board: PopupBoard;
  readonly #commands: PopupCommands;
  /** The timer of each pop-up key the policy asked to wake. */
  readonly #timers: KeyTimers;
  readonly #notifierHealth: NotifierHealth;
  readonly #records: PopupRecords;
  readonly #breakThrough: () => readonly AlertType[];
  /** The policy's steps in order, a slice per turn: a long catch-up's end must not hold the loop. */
  readonly #steps = new SlicedQueue<EngineStep>(
    (step) => this.#carryOutStep(step),
    stepSliceMilliseconds,
  );
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
    this.#timers = new KeyTimers(options.clock);
    this.#describer = withFallback(options.describer, (id, error) =>
      this.#logger.error('Describing an event failed', { id, error: String(error) }),
    );
    this.#batches = options.batches;
    this.#policy = new CoalescingPolicy<Delivery>({
      windowMilliseconds: options.coalesceWindowMilliseconds ?? 2_000,
      replaceInPlace: () => this.#notifier.capabilities.get().replace === 'inPlace',
      longestRingMilliseconds,
    });
    this.#calls = new CallLife({ ...options, list: this.#list, describer: this.#describer });
    this.#board = new PopupBoard(options.notifier, (handOff) => this.#handedOff(handOff), {
      clock: options.clock,
      rangOut: (call) => this.#calls.ringOut(call),
    });
    this.#commands = new PopupCommands({
      notifier: options.notifier,
      events: options.events,
      logger: options.logger,
    });
    this.#records = new PopupRecords(options);
    this.#breakThrough = options.breakThrough ?? (() => []);
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

  /** At start, before owed pop-ups are raised again: calls the store has ringing ring out. */
  ringOutLeftovers(checked: RingOutCheck): void {
    for (const { call, rang } of this.#calls.ringOutLeftovers(checked))
      this.#board.ringsSince(callPopupKey(call.callId), call, rang);
  }

  /**
   * Takes the policy's decision for one event, inside its batch: the in-app item now (an in-app
   * delivery, a quiet suppression with its reason, a call's item rewritten as it stops, or the
   * fallback of a pop-up that cannot show), the pop-up once the batch committed. Call it for
   * every decided event, alerts or not: a call's stop is how its ringing pop-up is closed. A
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
      wanted &&
      this.#notifier.systemDoNotDisturb.get().on &&
      !ringsThrough(event, decision, this.#breakThrough());
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
    const standing = this.#calls.standing(event);
    const over = standing.kind === 'ringingAfterStop' && event.kind === 'call' ? standing : null;
    const popUp = wanted && !heldBySystem && over === null;
    if (over && event.kind === 'call') {
      if (wanted || inApp) {
        const words = this.#calls.wordsAfterStop(event, over.stop);
        this.#list.put(this.#list.itemOf(event, words, quietReason));
      }
      if (wanted && !heldBySystem) {
        this.#events.markNotified(event.id, this.#clock.now(), withdrawn());
      }
    } else if (inApp || (popUp && this.#notifierHealth.available === false)) {
      this.#list.add(this.#list.itemOf(event, this.#describer.describe(event), quietReason));
    }
    if (standing.kind === 'stopped' && event.kind === 'call') {
      this.#calls.rewriteItems(standing.ringing, event);
    }
    this.#batches.afterCommit(() => {
      if (this.#stopped) return;
      if (!popUp)
        this.#records.settle([event.id], over && wanted && !heldBySystem ? withdrawn() : held);
      if (standing.kind === 'stopped' && event.kind === 'call') {
        const [ringing] = standing.ringing;
        // Queued behind the steps before it: its ringing pop-up's show may still wait there.
        const content =
          event.state === 'answered' || !ringing
            ? null
            : missedCallContent(this.#describer, ringing);
        this.#steps.push([{ step: 'stopCall', key: callPopupKey(event.callId), content }]);
      }
      this.#steps.push(
        this.#policy.coalesce({ event, popUp, inApp, quietReason }, this.#clock.now()),
      );
    });
  }

  /** Holds pop-ups (reconnect backlog, wake-up) until `endCatchUp()`. Nests. */
  beginCatchUp(): void {
    this.#policy.beginCatchUp();
  }

  /** Pops the held backlog's pop-ups as the policy groups them, released a slice per turn. */
  endCatchUp(): void {
    if (this.#policy.finishCatchUp()) this.#releaseBacklog();
  }

  #releaseBacklog(): void {
    if (this.#stopped) return;
    const { steps, more } = this.#policy.releaseSome(this.#clock.now(), backlogSlice);
    this.#steps.push(backlogSteps(steps));
    if (more) setImmediate(() => this.#releaseBacklog());
  }

  /**
   * Listens for pop-ups clicked, or their "Open" pressed: the item to open. Returns the function
   * that stops listening.
   */
  onOpenItem(listener: (itemId: string) => void): () => void {
    return this.#commands.onCommand((command) => {
      if (command.kind === 'open' && !this.#stopped) listener(command.itemId);
    });
  }

  /** Listens for the buttons that act (mute the line, call back). */
  onPopupCommand(listener: (command: PopupCommand) => void): () => void {
    return this.#commands.onCommand((command) => {
      if (command.kind !== 'open' && !this.#stopped) listener(command);
    });
  }

  /**
   * Listens for settled deliveries: after the commit when no pop-up was owed, else once the
   * pop-up's record is written. Returns the function that stops listening.
   */
  onSettled(listener: (settled: readonly SettledDelivery[]) => void): () => void {
    return this.#records.onSettled(listener);
  }

  /** Marks in-app items read and refreshes `unread`. */
  markRead(ids: readonly string[]): number {
    return this.#list.markRead(ids);
  }

  /**
   * Shows what groups have not shown yet, then waits until every pop-up has been handed to the
   * notifier (tests, shutdown).
   */
  async flush(): Promise<void> {
    this.#timers.clear();
    this.#steps.push(backlogSteps(this.#policy.drain(this.#clock.now())));
    this.#steps.runAll();
    await this.#board.settled();
  }

  /**
   * Stops timers. Alerts a group has not shown yet are not marked notified, so the next start
   * raises them again; call `flush()` first to hand them off.
   */
  stop(): void {
    this.#stopped = true;
    this.#steps.stop();
    this.#notifierHealth.stop();
    this.#commands.stop();
    this.#board.clear();
    this.#timers.clear();
    this.#policy.closeWindows();
  }

  /** One step of the coalescing policy (after the commit: outside any batch). */
  #carryOutStep(step: EngineStep): void {
    switch (step.step) {
      case 'stopCall':
        this.#board.stop(step.key, step.content);
        break;
      case 'release':
        // Its in-app item was written with its event (`deliver`).
        break;
      case 'withdraw':
        // Stopped ringing in the same backlog: its item already says how (`deliver`).
        if (step.delivery.popUp) this.#records.record([step.call.id], withdrawn());
        else this.#records.settle([step.call.id], null);
        break;
      case 'withdrawAll':
        this.#records.record(step.recorded, withdrawn());
        this.#records.settle(step.settled, null);
        break;
      case 'show':
      case 'update':
        this.#paint(step, step.summary === 'missedCalls' ? [] : step.events);
        break;
      case 'wake':
        this.#timers.set(step.key, step.afterMilliseconds, () => {
          if (!this.#stopped) this.#steps.push(this.#policy.wake(step.key, this.#clock.now()));
        });
        break;
      case 'forget':
        this.#board.forget(step.key);
        break;
    }
  }

  /** `owed`: what it records (a catch-up's missed calls were recorded as withdrawn: nothing). */
  #paint(
    { step: how, key, events, count, summary }: Extract<EngineStep, { step: 'show' | 'update' }>,
    owed: readonly AlertEvent[],
  ): void {
    const content = popupContentOf(this.#describer, events, summary, count);
    if (!content) return;
    if (this.#notifierHealth.available === false) {
      this.#board.hold(how, key, content, owed);
      for (const event of owed)
        this.#list.addLogged(this.#list.itemOf(event, this.#describer.describe(event), null));
      this.#records.record(
        owed.map((event) => event.id),
        { status: 'failed', reason: this.#notifierHealth.unavailableReason },
      );
      return;
    }
    if (how === 'show') this.#board.show(key, content, owed);
    else this.#board.update(key, content, owed);
  }

  #handedOff({ events, result }: HandOff): void {
    const reason = result.shown ? null : result.reason;
    if (reason === null) {
      this.#notifierHealth.popupShown();
    } else {
      this.#notifierHealth.popupFailed(reason);
      // The in-app list is the fallback: nothing that failed to pop is lost.
      for (const event of events)
        this.#list.addLogged(this.#list.itemOf(event, this.#describer.describe(event), null));
    }
    if (events.length > 0) {
      this.#records.record(
        events.map((event) => event.id),
        reason === null ? { status: 'shown' } : { status: 'failed', reason: reason.slice(0, 500) },
      );
    }
    // Where the desktop does not announce its do-not-disturb, it is read again for the next one.
    void this.#notifier.systemDoNotDisturb.current();
  }
}
