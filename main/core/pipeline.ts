import {
  decide,
  type ActivityItem,
  type AlertEvent,
  type Decision,
  type RecipientContext,
  type ServiceEvent,
} from '../../common';
import type { Clock, Logger, NotifierPort, PopupContent, PopupResult } from './ports';
import type { ProcessedEventRepository } from './store/repositories';

/** What the pipeline needs from delivery (main/core/delivery's DeliveryEngine satisfies it). */
export interface PipelineDelivery {
  deliver(event: AlertEvent, decision: Decision): void;
  beginCatchUp(): void;
  endCatchUp(): void;
}

/**
 * A detector turns one event into zero or more derived events (a burst of texts → `highSms`,
 * usage → `usageThreshold`). The reminder scheduler only observes: its events come later through
 * `EventPipeline.raise`.
 */
export type Detector = (event: AlertEvent) => readonly AlertEvent[];

export interface EventPipelineOptions {
  events: ProcessedEventRepository;
  /**
   * Wraps the per-event work (detectors + records) in one transaction when given. The companion
   * passes none: its connection's batch runner already runs each batch of socket messages (a lone
   * event included) in one `store.eventTransaction()` (WAL, no fsync) behind the `CommitGate`,
   * and `recordDecision` keeps the insert and the `lastSeq` advance together (inside that
   * transaction, without a savepoint).
   * Never `Store.transaction()`: that fsyncs (it is for settings).
   */
  transaction?: <Result>(work: () => Result) => Result;
  delivery: PipelineDelivery;
  detectors: readonly Detector[];
  /** Everything `decide` needs now: profile, preferences, business defaults, presence, clock. */
  context: () => RecipientContext;
  /** The title and body an Activity row shows for an event. */
  describe: (event: AlertEvent) => { title: string; body: string };
  clock: Clock;
  logger: Logger;
  /**
   * Called when a service event could not be processed: later events are held back (recording
   * them would advance `lastSeq` past the failed one) until `resume()`. The companion drops the
   * link, and the replay after the reconnect brings the failed event back.
   */
  onStall?: (eventId: string) => void;
  /** Attempts before a failing event is recorded as decided-with-nothing so the stream moves on. */
  maximumAttempts?: number;
}

export interface PipelineCounters {
  /** Events decided and recorded (service and derived). */
  decided: number;
  /** Events dropped because their id was already recorded. */
  duplicates: number;
  /** Events that could not be processed (a store or policy failure); logged. */
  failed: number;
}

/**
 * socket → validate → dedupe and persist → policy → deliver. Validation happens at the socket
 * (ServiceConnection); this takes validated events, in order, and for each one:
 *
 * 1. drops it when its id is already recorded;
 * 2. runs the detectors for derived events;
 * 3. decides each (the event, then what it derived) with the live RecipientContext;
 * 4. records each decision (one transaction with advancing `lastSeq`; optionally all of them in
 *    one outer transaction), so the service replays whatever a crash left unrecorded;
 * 5. hands each to delivery after the commit (a pop-up lost to a crash here is re-raised at the
 *    next start from `pendingNotifications()`), and tells decision listeners.
 *
 * Processing is synchronous and queued: an event raised while another is being processed (the
 * reminder scheduler reacting to an appointment) is processed right after it, never inside it.
 */
export class EventPipeline {
  readonly #options: EventPipelineOptions;
  readonly #queue: AlertEvent[] = [];
  readonly #listeners = new Set<(item: ActivityItem, decision: Decision) => void>();
  readonly #counters: PipelineCounters = { decided: 0, duplicates: 0, failed: 0 };
  readonly #attempts = new Map<string, number>();
  #draining = false;
  #stalled = false;

  constructor(options: EventPipelineOptions) {
    this.#options = options;
  }

  get counters(): Readonly<PipelineCounters> {
    return this.#counters;
  }

  /** One validated service event (or a derived event), processed before this returns. */
  process(event: ServiceEvent | AlertEvent): void {
    this.#queue.push(event);
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) this.#processOne(next);
    } finally {
      this.#draining = false;
    }
  }

  /** Whether service events are held back after a failure (until `resume()`). */
  get stalled(): boolean {
    return this.#stalled;
  }

  /** After the reconnect that follows a stall: the replay starts again from `lastSeq`. */
  resume(): void {
    this.#stalled = false;
  }

  /** For the reminder scheduler and tests: an event raised locally. */
  raise(event: AlertEvent): void {
    this.process(event);
  }

  /** Between these, delivery holds pop-ups and summarises them (a reconnect backlog). */
  beginCatchUp(): void {
    this.#options.delivery.beginCatchUp();
  }

  endCatchUp(): void {
    this.#options.delivery.endCatchUp();
  }

  onDecision(listener: (item: ActivityItem, decision: Decision) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The Activity row for a decided event. */
  activityItem(event: AlertEvent, decision: Decision, decidedAt: number): ActivityItem {
    const { title, body } = this.#options.describe(event);
    return {
      eventId: event.id,
      kind: event.kind,
      title,
      body,
      occurredAt: event.occurredAt,
      decidedAt,
      decision: {
        eventId: decision.eventId,
        alertType: decision.alertType,
        lineId: decision.lineId,
        deliveries: decision.deliveries.map((delivery) => ({ ...delivery })),
        suppressed: decision.suppressed.map((suppression) => ({ ...suppression })),
      },
    };
  }

  #processOne(event: AlertEvent): void {
    const { events, logger } = this.#options;
    const fromService = 'seq' in event && typeof event.seq === 'number';
    if (fromService && this.#stalled) return;
    if (events.has(event.id)) {
      this.#counters.duplicates += 1;
      return;
    }
    let decided: Array<{ event: AlertEvent; decision: Decision; decidedAt: number }>;
    try {
      const transaction = this.#options.transaction;
      decided = transaction
        ? transaction(() => this.#decideAndRecord(event))
        : this.#decideAndRecord(event);
      this.#attempts.delete(event.id);
    } catch (error) {
      this.#counters.failed += 1;
      const attempts = (this.#attempts.get(event.id) ?? 0) + 1;
      this.#attempts.set(event.id, attempts);
      const reason = error instanceof Error ? error.message : String(error);
      if (!fromService) {
        logger.error('Could not process a local event', { eventId: event.id, error: reason });
        return;
      }
      if (attempts >= (this.#options.maximumAttempts ?? 3)) {
        // A poison event: record it as decided-with-nothing so the stream is not stuck forever.
        logger.error('Giving up on an event that keeps failing', {
          eventId: event.id,
          error: reason,
        });
        this.#attempts.delete(event.id);
        this.#recordNothing(event);
        return;
      }
      logger.error('Could not process an event; holding the stream until the service replays it', {
        eventId: event.id,
        kind: event.kind,
        attempt: attempts,
        error: reason,
      });
      this.#stalled = true;
      this.#queue.length = 0;
      this.#options.onStall?.(event.id);
      return;
    }
    for (const entry of decided) {
      this.#counters.decided += 1;
      try {
        this.#options.delivery.deliver(entry.event, entry.decision);
      } catch (error) {
        logger.error('Delivery failed', {
          eventId: entry.event.id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (this.#listeners.size === 0) continue;
      const item = this.activityItem(entry.event, entry.decision, entry.decidedAt);
      for (const listener of [...this.#listeners]) listener(item, entry.decision);
    }
  }

  #recordNothing(event: AlertEvent): void {
    try {
      const decision: Decision = {
        eventId: event.id,
        alertType: null,
        lineId: null,
        deliveries: [],
        suppressed: [],
      };
      this.#options.events.recordDecision(event, decision, this.#options.clock.now());
    } catch (error) {
      this.#options.logger.error('Could not record a failed event either', {
        eventId: event.id,
        error: error instanceof Error ? error.message : String(error),
      });
      this.#stalled = true;
      this.#options.onStall?.(event.id);
    }
  }

  #decideAndRecord(
    event: AlertEvent,
  ): Array<{ event: AlertEvent; decision: Decision; decidedAt: number }> {
    const { clock, detectors } = this.#options;
    // Detectors run before anything is decided (as before); a plain loop, since most events
    // derive nothing and a per-event flatMap and spread were measurable garbage in a burst.
    let derived: AlertEvent[] | null = null;
    for (const detector of detectors) {
      const found = detector(event);
      if (found.length === 0) continue;
      derived ??= [];
      for (const each of found) derived.push(each);
    }
    const context = this.#options.context();
    const decidedAt = clock.now();
    const results: Array<{ event: AlertEvent; decision: Decision; decidedAt: number }> = [];
    this.#decideAndRecordOne(event, context, decidedAt, results);
    if (derived) {
      for (const each of derived) this.#decideAndRecordOne(each, context, decidedAt, results);
    }
    return results;
  }

  #decideAndRecordOne(
    event: AlertEvent,
    context: RecipientContext,
    decidedAt: number,
    results: Array<{ event: AlertEvent; decision: Decision; decidedAt: number }>,
  ): void {
    const decision = decide(event, context);
    if (this.#options.events.recordDecision(event, decision, decidedAt)) {
      results.push({ event, decision, decidedAt });
    } else {
      this.#counters.duplicates += 1;
    }
  }
}

/**
 * Sits between delivery and the real notifier so that a batch of events can be recorded in ONE
 * store transaction (one commit for a burst instead of one per event) without breaking two
 * promises: a pop-up is never shown for an event the store has not committed (a kill before the
 * commit would replay it and show it again), and at most one pop-up is ever shown-but-not-yet-
 * marked (pop-ups held during a batch are handed to the notifier one per turn of the event loop,
 * each marked notified by delivery before the next one goes out).
 */
export class CommitGate implements NotifierPort {
  readonly #inner: NotifierPort;
  readonly #held: Array<{ content: PopupContent; resolve: (result: PopupResult) => void }> = [];
  #depth = 0;
  #draining = false;

  constructor(inner: NotifierPort) {
    this.#inner = inner;
  }

  probe(): ReturnType<NotifierPort['probe']> {
    return this.#inner.probe();
  }

  onClick(listener: (itemId: string) => void): void {
    this.#inner.onClick(listener);
  }

  show(content: PopupContent): Promise<PopupResult> {
    if (this.#depth === 0 && !this.#draining && this.#held.length === 0) {
      return this.#inner.show(content);
    }
    return new Promise((resolve) => {
      this.#held.push({ content, resolve });
      if (this.#depth === 0) this.#drain();
    });
  }

  /**
   * Runs `work` inside `transaction`, holding every pop-up it raises until the commit; when the
   * transaction throws, the held pop-ups are dropped (reported as not shown) and the error
   * propagates so the caller can have the batch replayed.
   */
  run<Result>(transaction: <Value>(work: () => Value) => Value, work: () => Result): Result {
    this.#depth += 1;
    let committed = false;
    try {
      const result = transaction(work);
      committed = true;
      return result;
    } finally {
      this.#depth -= 1;
      if (this.#depth === 0) {
        if (committed) this.#drain();
        else this.#discard();
      }
    }
  }

  /** Pop-ups waiting for a commit or for their turn (tests, diagnostics). */
  get held(): number {
    return this.#held.length;
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    const next = () => {
      const item = this.#held.shift();
      if (!item || this.#depth > 0) {
        if (item) this.#held.unshift(item);
        this.#draining = false;
        return;
      }
      this.#inner
        .show(item.content)
        .catch((error: unknown): PopupResult => ({ shown: false, reason: String(error) }))
        .then((result) => {
          item.resolve(result);
          // The next one only after delivery has marked this one (a promise continuation).
          setImmediate(next);
        })
        .catch(() => undefined);
    };
    next();
  }

  #discard(): void {
    for (const item of this.#held.splice(0)) {
      item.resolve({ shown: false, reason: 'The batch that raised it was not recorded' });
    }
  }
}
