import { performance } from 'node:perf_hooks';
import { reportDeliveries, type ActivityItem, type AlertEvent, type Decision } from '../../common';
import type { Logger } from './ports';
import type { ProcessedEventRepository, RecordedEvent } from './store/repositories';
import { sliceDeadline } from './turn-budget';

/**
 * The longest decisions are told in one turn of the event loop (each is read back and
 * described: 20 µs on a quiet machine, several times that on a busy one, so a time and not a
 * count).
 */
const announceSliceMilliseconds = 8;

/** Decisions read back in one statement (~1 ms of them): a third of the time of one by one. */
const readAtOnce = 64;

type DecisionListener = (item: ActivityItem, decision: Decision) => void;

export interface DecisionAnnouncerOptions {
  events: Pick<ProcessedEventRepository, 'get' | 'getMany'>;
  /** The title and body an Activity row shows for an event. */
  describe: (event: AlertEvent) => { title: string; body: string };
  logger: Logger;
}

/**
 * Step 6 of the pipeline (pipeline.ts): decisions told to their listeners once settled, read
 * back from the store as Activity rows, so what they say is what the records say. The end of a
 * catch-up settles a whole backlog at once (one summary pop-up for thousands of events): those
 * are read back `readAtOnce` to a statement and told `announceSliceMilliseconds` at a time, a
 * turn of the event loop apart, never holding it longer than a few milliseconds.
 */
export class DecisionAnnouncer {
  readonly #options: DecisionAnnouncerOptions;
  readonly #decided = new Set<DecisionListener>();
  readonly #updated = new Set<(item: ActivityItem) => void>();
  /** Settled decisions not told yet, in order. */
  readonly #toAnnounce: string[] = [];
  #announceHead = 0;
  #announceScheduled = false;

  constructor(options: DecisionAnnouncerOptions) {
    this.#options = options;
  }

  /** Each decision, once settled. */
  onDecision(listener: DecisionListener): () => void {
    this.#decided.add(listener);
    return () => this.#decided.delete(listener);
  }

  /** An Activity row already told changed: the service's report arrived for a local alert. */
  onUpdate(listener: (item: ActivityItem) => void): () => void {
    this.#updated.add(listener);
    return () => this.#updated.delete(listener);
  }

  /** Deliveries that settled: their decisions are told, a slice a turn. */
  settled(settled: ReadonlyArray<{ eventId: string }>): void {
    for (const { eventId } of settled) this.#toAnnounce.push(eventId);
    this.#announceSome();
  }

  /** An event's Activity row changed (an outcome, an adopted copy): told to `onUpdate`'s listeners. */
  updated(eventId: string): void {
    this.#announce(eventId, this.#updated);
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
}
