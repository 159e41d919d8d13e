import { performance } from 'node:perf_hooks';
import {
  decide,
  reportDeliveries,
  type ActivityItem,
  type AlertEvent,
  type Decision,
  type PushedEvent,
  type RecipientContext,
  type ServiceEvent,
  type ServiceOutcome,
} from '../../common';
import { rethrowWriteFailure, type BatchRunner } from './event-batch';
import type { Clock, Logger } from './ports';
import type { ProcessedEventRepository, RecordedEvent } from './store/repositories';
import { sliceDeadline } from './turn-budget';

/** What the pipeline needs from delivery (main/core/delivery's DeliveryEngine satisfies it). */
export interface PipelineDelivery {
  /** Inside the event's batch: its in-app item now, its pop-up after the commit. */
  deliver(event: AlertEvent, decision: Decision): void;
  /** Deliveries that are done: after the commit, or once their pop-up's record is written. */
  onSettled(listener: (settled: ReadonlyArray<{ eventId: string }>) => void): () => void;
}

/** Watches each recorded event inside its batch (the local reminder schedule). */
export interface EventObserver {
  observe(event: AlertEvent): void;
}

export interface EventPipelineOptions {
  events: ProcessedEventRepository;
  /**
   * The session's event batches (main/core/event-batch.ts): an event is processed inside the
   * batch of the socket messages it arrived with, or, raised locally, in a batch of its own.
   */
  batches: BatchRunner;
  delivery: PipelineDelivery;
  /** Told of every recorded event inside its batch; what they write joins it. */
  observers: readonly EventObserver[];
  /** The signed-in user: a service event for anyone else is refused. */
  userId: string;
  /** Everything `decide` needs now: profile, preferences, business defaults, presence, clock. */
  context: () => RecipientContext;
  /** The title and body an Activity row shows for an event. */
  describe: (event: AlertEvent) => { title: string; body: string };
  clock: Clock;
  logger: Logger;
  /**
   * Called when a service event could not be processed by itself (not a failed write): later
   * events are held back (recording them would advance `lastSeq` past the failed one) until
   * `resume()`. The companion drops the link, and the replay after the reconnect brings the
   * failed event back.
   */
  onStall?: (eventId: string) => void;
  /** Attempts before an event failing by itself is recorded as decided-with-nothing. */
  maximumAttempts?: number;
}

export interface PipelineCounters {
  /** Events decided and recorded. */
  decided: number;
  /** Events dropped because their id was already recorded. */
  duplicates: number;
  /** The service's copies of alerts raised here first (a reminder shown offline), adopted. */
  adopted: number;
  /** Service events addressed to another user: refused, never recorded or shown. */
  misaddressed: number;
  /** Events that failed by themselves (a policy failure); logged. */
  failed: number;
}

type Incoming = ServiceEvent | PushedEvent | AlertEvent;

/**
 * The longest decisions are told in one turn of the event loop (each is read back and
 * described: 20 µs on a quiet machine, several times that on a busy one, so a time and not a
 * count).
 */
const announceSliceMilliseconds = 8;

/** Decisions read back in one statement (~1 ms of them): a third of the time of one by one. */
const readAtOnce = 64;

function isFromService(event: Incoming): event is ServiceEvent | PushedEvent {
  return 'seq' in event && typeof event.seq === 'number';
}

/**
 * socket → validate → dedupe and persist → policy → deliver. Validation happens at the socket
 * (ServiceConnection); this takes validated events, in order, each inside an event batch
 * (main/core/event-batch.ts: one transaction, pop-ups after its commit), and for each one:
 *
 * 1. refuses a service event addressed to another user (counted, logged, not recorded);
 * 2. drops it when its id is already recorded — unless it is the service's copy of an alert
 *    raised here first, whose seq and outcome are adopted into the record (`lastSeq` moves past
 *    it; nothing new is shown or listed, the Activity row is updated);
 * 3. decides it with the live RecipientContext and records the decision with `lastSeq` and the
 *    service's outcome, in the batch's transaction;
 * 4. tells the observers (the local reminder schedule), whose writes join the batch;
 * 5. hands it to delivery inside the batch: its in-app item is written in the transaction, its
 *    pop-up waits for the commit (one lost to a kill after the commit is raised again at the
 *    next start from `pendingNotifications()`);
 * 6. tells decision listeners once the delivery is settled: after the commit, and once the
 *    pop-up's result is recorded when one is owed. What they hear is read back from the store.
 *
 * A failed write throws out of the batch (rule 7 of the batch contract): nothing is recorded
 * and the caller retries the batch; it never counts as the event's own failure.
 */
export class EventPipeline {
  readonly #options: EventPipelineOptions;
  readonly #queue: Incoming[] = [];
  readonly #decided = new Set<(item: ActivityItem, decision: Decision) => void>();
  readonly #updated = new Set<(item: ActivityItem) => void>();
  readonly #counters: PipelineCounters = {
    decided: 0,
    duplicates: 0,
    adopted: 0,
    misaddressed: 0,
    failed: 0,
  };
  readonly #attempts = new Map<string, number>();
  /**
   * Settled decisions not told yet, in order. The end of a catch-up settles a whole backlog at
   * once (one summary pop-up for thousands of events): each is read back and described, so they
   * are told `announceSliceMilliseconds` at a time, a turn of the event loop apart, never holding it longer
   * than a few milliseconds.
   */
  readonly #toAnnounce: string[] = [];
  #announceHead = 0;
  #announceScheduled = false;
  #draining = false;
  #stalled = false;

  constructor(options: EventPipelineOptions) {
    this.#options = options;
    options.delivery.onSettled((settled) => {
      for (const { eventId } of settled) this.#toAnnounce.push(eventId);
      this.#announceSome();
    });
  }

  get counters(): Readonly<PipelineCounters> {
    return this.#counters;
  }

  /**
   * One validated service event, or one raised locally (a reminder), processed before this
   * returns: inside the open batch, or in a batch of its own. Throws when a write failed.
   */
  process(event: Incoming): void {
    this.#queue.push(event);
    if (this.#draining) return;
    this.#draining = true;
    try {
      this.#options.batches.run(this.#drain);
    } catch (error) {
      // The batch rolled back: whatever was queued behind comes again with its retry.
      this.#queue.length = 0;
      throw error;
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

  /**
   * The service's new outcome for an event already recorded (`outcomeUpdated`: a held email or
   * text went out in a digest), written in the current batch; its Activity row is told again
   * after the commit. One for an event not recorded here is ignored (counted as a duplicate).
   */
  updateOutcome(eventId: string, seq: number, outcome: ServiceOutcome): void {
    if (this.#options.events.updateOutcome(eventId, seq, outcome)) {
      this.#options.batches.afterCommit(() => this.#announce(eventId, this.#updated));
    } else {
      this.#counters.duplicates += 1;
    }
  }

  /** Each decision, once settled (see the class comment, step 6). */
  onDecision(listener: (item: ActivityItem, decision: Decision) => void): () => void {
    this.#decided.add(listener);
    return () => this.#decided.delete(listener);
  }

  /** An Activity row already told changed: the service's report arrived for a local alert. */
  onUpdate(listener: (item: ActivityItem) => void): () => void {
    this.#updated.add(listener);
    return () => this.#updated.delete(listener);
  }

  /** The Activity row of a recorded event: what it said, the decision, what happened. */
  activityItem(recorded: RecordedEvent): ActivityItem {
    const { event, decision, decidedAt } = recorded;
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
      channels: reportDeliveries({
        decision,
        outcome: recorded.outcome,
        fromService: recorded.seq !== null,
        popup: recorded.popup,
        notified: recorded.notified,
        listed: recorded.listed,
      }),
    };
  }

  #announceSome(): void {
    if (this.#announceScheduled) return;
    const until = sliceDeadline(announceSliceMilliseconds);
    while (this.#announceHead < this.#toAnnounce.length) {
      const ids = this.#toAnnounce.slice(this.#announceHead, this.#announceHead + readAtOnce);
      this.#announceHead += ids.length;
      this.#announceAll(ids);
      if (performance.now() > until) break;
    }
    if (this.#announceHead < this.#toAnnounce.length) {
      this.#announceScheduled = true;
      setImmediate(() => {
        this.#announceScheduled = false;
        this.#announceSome();
      });
      return;
    }
    this.#toAnnounce.length = 0;
    this.#announceHead = 0;
  }

  /** Decisions told, read back `readAtOnce` to a statement (the end of a catch-up: 100,000). */
  #announceAll(eventIds: readonly string[]): void {
    if (this.#decided.size === 0) return;
    if (eventIds.length === 1) {
      this.#announce(eventIds[0] ?? '', this.#decided);
      return;
    }
    let recorded: Map<string, RecordedEvent>;
    try {
      recorded = this.#options.events.getMany(eventIds);
    } catch (error) {
      this.#options.logger.error('Reading a decision back failed', {
        eventId: eventIds[0],
        count: eventIds.length,
        error: String(error),
      });
      return;
    }
    for (const eventId of eventIds) {
      // A sample notification is delivered but never recorded: nothing to announce.
      const one = recorded.get(eventId);
      if (!one) continue;
      const item = this.activityItem(one);
      for (const listener of [...this.#decided]) listener(item, one.decision);
    }
  }

  #announce(
    eventId: string,
    listeners: ReadonlySet<(item: ActivityItem, decision: Decision) => void>,
  ): void {
    if (listeners.size === 0) return;
    let recorded: RecordedEvent | null;
    try {
      recorded = this.#options.events.get(eventId);
    } catch (error) {
      this.#options.logger.error('Reading a decision back failed', {
        eventId,
        error: String(error),
      });
      return;
    }
    // A sample notification is delivered but never recorded: nothing to announce.
    if (!recorded) return;
    const item = this.activityItem(recorded);
    for (const listener of [...listeners]) listener(item, recorded.decision);
  }

  #processOne(event: Incoming): void {
    const { events, logger } = this.#options;
    const fromService = isFromService(event);
    if (fromService && this.#stalled) return;
    if (fromService && event.userId !== this.#options.userId) {
      this.#counters.misaddressed += 1;
      logger.warn('Refused an event addressed to another user', {
        eventId: event.id,
        userId: event.userId,
        refused: this.#counters.misaddressed,
      });
      return;
    }
    if (events.has(event.id)) {
      if (fromService && events.adoptServiceCopy(event)) {
        this.#counters.adopted += 1;
        this.#options.batches.afterCommit(() => this.#announce(event.id, this.#updated));
      } else {
        this.#counters.duplicates += 1;
      }
      return;
    }
    let decision: Decision;
    try {
      decision = decide(event, this.#options.context());
      if (!events.recordDecision(event, decision, this.#options.clock.now())) {
        this.#counters.duplicates += 1;
        return;
      }
      this.#attempts.delete(event.id);
    } catch (error) {
      rethrowWriteFailure(error);
      this.#failed(event, fromService, error);
      return;
    }
    this.#counters.decided += 1;
    for (const observer of this.#options.observers) {
      try {
        observer.observe(event);
      } catch (error) {
        rethrowWriteFailure(error);
        logger.error('An event observer failed', { eventId: event.id, error: String(error) });
      }
    }
    try {
      this.#options.delivery.deliver(event, decision);
    } catch (error) {
      rethrowWriteFailure(error);
      logger.error('Delivery failed', {
        eventId: event.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** An event that failed by itself (never a failed write: that holds the whole batch). */
  #failed(event: Incoming, fromService: boolean, error: unknown): void {
    const { logger } = this.#options;
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
  }

  #recordNothing(event: Incoming): void {
    const decision: Decision = {
      eventId: event.id,
      alertType: null,
      lineId: null,
      deliveries: [],
      suppressed: [],
    };
    try {
      this.#options.events.recordDecision(event, decision, this.#options.clock.now());
    } catch (error) {
      rethrowWriteFailure(error);
      this.#options.logger.error('Could not record a failed event either', {
        eventId: event.id,
        error: error instanceof Error ? error.message : String(error),
      });
      this.#stalled = true;
      this.#options.onStall?.(event.id);
    }
  }
}
