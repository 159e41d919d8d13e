import {
  decide,
  type ActivityItem,
  type AlertEvent,
  type Decision,
  type RecipientContext,
  type ServiceEvent,
} from '../../common';
import type { Detector } from './delivery/detector';
import type { BatchRunner } from './event-batch';
import type { Clock, Logger } from './ports';
import type { ProcessedEventRepository, RecordedDecision } from './store/repositories';

/** What the pipeline needs from delivery (main/core/delivery's DeliveryEngine satisfies it). */
export interface PipelineDelivery {
  deliver(event: AlertEvent, decision: Decision): void;
  beginCatchUp(): void;
  endCatchUp(): void;
}

export interface EventPipelineOptions {
  events: ProcessedEventRepository;
  /**
   * The session's event batches (main/core/event-batch.ts): an event is processed inside the
   * batch of the socket messages it arrived with, or, raised locally, in a batch of its own.
   */
  batches: BatchRunner;
  delivery: PipelineDelivery;
  /**
   * Each turns one event into zero or more derived events (a burst of texts → `highSms`, usage →
   * `usageThreshold`); the reminder scheduler only observes, its events come later through
   * `EventPipeline.process`.
   */
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
 * (ServiceConnection); this takes validated events, in order, each inside an event batch
 * (main/core/event-batch.ts: one transaction, pop-ups after its commit), and for each one:
 *
 * 1. drops it when its id is already recorded;
 * 2. runs the detectors for derived events;
 * 3. decides each (the event, then what it derived) with the live RecipientContext;
 * 4. records the decisions, the event and what it derived all or nothing, with `lastSeq` moving
 *    in the same transaction, so the service replays whatever a crash left unrecorded;
 * 5. hands each to delivery inside the batch: its in-app items are written in the batch's
 *    transaction, and its pop-ups are held by the batch until the commit (one lost to a kill
 *    after the commit is raised again at the next start from `pendingNotifications()`);
 * 6. tells decision listeners. They still hear it inside the batch, before the commit; issue 11
 *    moves this behind `EventBatches.afterCommit`.
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

  /**
   * One validated service event, or one raised locally (a reminder, a test), processed before
   * this returns: inside the open batch, or in a batch of its own.
   */
  process(event: ServiceEvent | AlertEvent): void {
    this.#queue.push(event);
    if (this.#draining) return;
    this.#draining = true;
    try {
      this.#options.batches.run(this.#drain);
    } finally {
      this.#draining = false;
    }
  }

  /** Bound once: `process` runs per event, and a closure each was garbage in a burst. */
  readonly #drain = (): void => {
    for (let next = this.#queue.shift(); next; next = this.#queue.shift()) this.#processOne(next);
  };

  /** After the reconnect that follows a stall: the replay starts again from `lastSeq`. */
  resume(): void {
    this.#stalled = false;
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
    let decided: RecordedDecision[];
    try {
      decided = this.#decideAndRecord(event);
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

  #decideAndRecord(event: AlertEvent): RecordedDecision[] {
    const { clock, detectors, events } = this.#options;
    // Detectors run before anything is decided; a plain loop, since most events derive nothing
    // and a per-event flatMap and spread were measurable garbage in a burst.
    let derived: AlertEvent[] | null = null;
    for (const detector of detectors) {
      const found = detector.observe(event);
      if (found.length === 0) continue;
      derived ??= [];
      for (const each of found) derived.push(each);
    }
    const context = this.#options.context();
    const decidedAt = clock.now();
    // Everything is decided before anything is written, so a policy failure records nothing.
    const first: RecordedDecision = { event, decision: decide(event, context), decidedAt };
    if (!derived) {
      // The common case, without the arrays: `recordDecisions` of one item is this.
      if (events.recordDecision(event, first.decision, decidedAt)) return [first];
      this.#counters.duplicates += 1;
      return [];
    }
    const items = [first];
    for (const each of derived) {
      items.push({ event: each, decision: decide(each, context), decidedAt });
    }
    const fresh = events.recordDecisions(items);
    const results: RecordedDecision[] = [];
    for (let index = 0; index < items.length; index += 1) {
      const item = items[index];
      if (!item) continue;
      if (fresh[index]) results.push(item);
      else this.#counters.duplicates += 1;
    }
    return results;
  }
}
