import {
  decide,
  type ActivityItem,
  type AlertEvent,
  type Decision,
  type PushedEvent,
  type RecipientContext,
  type ServiceEvent,
  type ServiceOutcome,
} from '../../common';
import { DecisionAnnouncer } from './decision-announcer';
import { rethrowWriteFailure, type BatchRunner } from './event-batch';
import type { Clock, Logger } from './ports';
import type { ProcessedEventRepository, RecordedEvent } from './store/repositories';

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
  readonly #announcer: DecisionAnnouncer;
  readonly #counters: PipelineCounters = {
    decided: 0,
    duplicates: 0,
    adopted: 0,
    misaddressed: 0,
    failed: 0,
  };
  readonly #attempts = new Map<string, number>();
  #draining = false;
  #stalled = false;

  constructor(options: EventPipelineOptions) {
    this.#options = options;
    this.#announcer = new DecisionAnnouncer(options);
    options.delivery.onSettled((settled) => this.#announcer.settled(settled));
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
      this.#options.batches.afterCommit(() => this.#announcer.updated(eventId));
    } else {
      this.#counters.duplicates += 1;
    }
  }

  /** Each decision, once settled (see the class comment, step 6). */
  onDecision(listener: (item: ActivityItem, decision: Decision) => void): () => void {
    return this.#announcer.onDecision(listener);
  }

  /** An Activity row already told changed: the service's report arrived for a local alert. */
  onUpdate(listener: (item: ActivityItem) => void): () => void {
    return this.#announcer.onUpdate(listener);
  }

  /** The Activity row of a recorded event: what it said, the decision, what happened. */
  activityItem(recorded: RecordedEvent): ActivityItem {
    return this.#announcer.activityItem(recorded);
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
        this.#options.batches.afterCommit(() => this.#announcer.updated(event.id));
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
