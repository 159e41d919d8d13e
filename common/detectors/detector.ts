import type { z } from 'zod';
import type { AlertEvent } from '../events';

/**
 * Whose state a detector step works on. Derived ids name the user, so the same burst seen by two
 * users (a ring-group line) is two alerts, one for each.
 */
export interface DetectorScope {
  userId: string;
}

/** What one step gives back: the state to keep and the alerts it derived. */
export interface Detection<State> {
  /** The state to keep under the step's key; null when nothing is left to remember. */
  state: State | null;
  /** Complete events (id, occurredAt, body), in order; their ids are deterministic. */
  derived: AlertEvent[];
}

/**
 * A pure, event-time state machine over one user's events: no clock, no I/O. Its state is plain
 * JSON-able data kept per user and key, so whoever runs it (the service, and for reminders the
 * companion while offline) can persist it in the same transaction as the event it read, and a
 * restart changes nothing.
 */
export interface EventTimeDetector<State> {
  /** Names the detector in storage ("highSms"); never changes once shipped. */
  readonly name: string;
  /** The key of the state an event reads and writes, or null when the event is not this detector's. */
  keyOf(event: AlertEvent): string | null;
  /** Folds one event into the state (null: nothing kept yet). Time is the event's `occurredAt`. */
  step(state: State | null, event: AlertEvent, scope: DetectorScope): Detection<State>;
  /** When the state needs time to pass by itself (a reminder's moment), or null: never. */
  wakeAt(state: State): number | null;
  /**
   * The event time after which the state means nothing any more (a burst long over), or null:
   * never. A runner forgets such states of the user once it reads a later event of this
   * detector, which is what `step` would have done with them: it bounds what is kept.
   */
  expiresAt(state: State): number | null;
  /** What is due at `now` (epoch ms), with the state after it; a state not due is returned as is. */
  due(state: State, now: number, scope: DetectorScope): Detection<State>;
  /** The schema of a stored state: a state that fails it is dropped and the detector starts afresh. */
  readonly stateSchema: z.ZodType<State>;
}

/** An event's time in epoch ms (`occurredAt` is an ISO instant; the schemas guarantee it parses). */
export function eventTime(event: AlertEvent): number {
  return Date.parse(event.occurredAt);
}

/** A step that changes nothing and derives nothing. */
export function unchanged<State>(state: State | null): Detection<State> {
  return { state, derived: [] };
}
