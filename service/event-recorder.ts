import { randomUUID } from 'node:crypto';
import {
  serviceEventSchema,
  type AlertEvent,
  type EventKind,
  type OutboxEntry,
  type PushedEvent,
  type RecipientContext,
} from '../common';
import type { Clock } from './clock';
import type { Detection } from './detection';
import type { DigestRun, Outbound } from './outbound';
import { contextOf, sendEmailAndText } from './outcome';
import type { ServiceStore, ServiceUser } from './store';

/** An event body as injected: its kind plus that kind's fields, already validated. */
export type EventBody = { kind: EventKind } & Record<string, unknown>;

/** One stored event and the outbox rows written for it. */
export interface RecordedEvent {
  event: PushedEvent;
  outbox: OutboxEntry[];
}

/**
 * Most alerts one event may lead to through the detectors. None of today's detectors reads a
 * derived kind, so one event derives at most one alert; the bound keeps a future detector that
 * did from looping.
 */
const maxDerivedPerEvent = 16;

/**
 * Writes events: each one under its user's next seq, with what the service did on email and SMS
 * (outbox rows and the `outcome`), and, in the same transaction, the detectors' new state and
 * the alerts they derive, each stored the same way as an event of its own. So an event, its
 * emails and texts, and everything it makes the detectors remember or raise are committed
 * together or not at all: a restart mid-burst changes nothing.
 */
export class EventRecorder {
  constructor(
    private readonly store: ServiceStore,
    private readonly clock: Clock,
    private readonly detection: Detection,
    private readonly outbound: Outbound,
  ) {}

  /** Everything `decide` needs about this user now. */
  contextFor(user: ServiceUser): RecipientContext {
    return contextOf(this.store, user, this.clock.now());
  }

  /** Stores one event for `user` (body already valid) and what it derives; the base event first. */
  emit(user: ServiceUser, body: EventBody, occurredAt?: string): RecordedEvent[] {
    const context = this.contextFor(user);
    return this.store.transaction(() => {
      const event = {
        ...body,
        id: `ev-${randomUUID()}`,
        occurredAt: occurredAt ?? new Date(context.now).toISOString(),
      };
      return this.record(user, event as AlertEvent, context, false);
    });
  }

  /** Stores every alert whose moment has come (appointment reminders), each for its user. */
  fireDue(): RecordedEvent[] {
    const now = this.clock.now();
    return this.store.transaction(() =>
      this.detection.due(now).flatMap(({ userId, derived }) => {
        const user = this.store.user(userId);
        if (!user) return [];
        const context = contextOf(this.store, user, now);
        return derived.flatMap((event) => this.record(user, event, context, true));
      }),
    );
  }

  /** Sends every digest of held emails and texts that is due now (`Outbound.sendDue`). */
  sendDigests(): DigestRun {
    return this.outbound.sendDue(this.clock.now());
  }

  /**
   * Stores `first` and, in turn, what the detectors derive from each event stored. A derived
   * alert whose id is already stored (its ids are deterministic) is the same alert: skipped.
   */
  private record(
    user: ServiceUser,
    first: AlertEvent,
    context: RecipientContext,
    firstIsDerived: boolean,
  ): RecordedEvent[] {
    const recorded: RecordedEvent[] = [];
    const queue: Array<{ event: AlertEvent; derived: boolean }> = [
      { event: first, derived: firstIsDerived },
    ];
    let derivedCount = 0;
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (next.derived && this.store.hasEvent(next.event.id)) continue;
      const stored = serviceEventSchema.parse({
        ...next.event,
        userId: user.id,
        seq: this.store.lastSeq(user.id) + 1,
      });
      const { seq, userId, ...alert } = stored;
      void seq;
      void userId;
      const { outbox, outcome } = sendEmailAndText(this.outbound, alert, context);
      const event: PushedEvent = { ...stored, outcome };
      this.store.appendEvent(event);
      recorded.push({ event, outbox });
      for (const derived of this.detection.observe(user.id, alert, context.now)) {
        if (derivedCount++ >= maxDerivedPerEvent) break;
        queue.push({ event: derived, derived: true });
      }
    }
    return recorded;
  }
}
