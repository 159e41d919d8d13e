import type { AlertEvent, EventTimeDetector } from '../../common';

/** What a detector derived from a run of events, and the states it kept by key. */
export interface DetectorRun<State> {
  derived: AlertEvent[];
  states: Map<string, State>;
}

/**
 * Runs events through a pure detector as the service does: one state per key, stored as JSON
 * between steps and read back through the detector's schema (so a state that does not survive
 * storage fails the test); states expired by the event's time forgotten before it is read; and
 * after each event whatever is due at `now(event)` (the service checks right away: a reminder
 * already due when its appointment arrives is not left waiting).
 */
export function runDetector<State>(
  detector: EventTimeDetector<State>,
  events: readonly AlertEvent[],
  options: { userId?: string; now?: (event: AlertEvent) => number } = {},
): DetectorRun<State> {
  const userId = options.userId ?? 'user-jordan';
  const stored = new Map<string, string>();
  const derived: AlertEvent[] = [];
  const read = (key: string): State | null => {
    const json = stored.get(key);
    return json === undefined ? null : detector.stateSchema.parse(JSON.parse(json));
  };
  const write = (key: string, state: State | null) => {
    if (state === null) stored.delete(key);
    else stored.set(key, JSON.stringify(state));
  };
  for (const event of events) {
    const key = detector.keyOf(event);
    if (key === null) continue;
    const at = Date.parse(event.occurredAt);
    for (const known of [...stored.keys()]) {
      const expires = detector.expiresAt(read(known) as State);
      if (expires !== null && expires < at) stored.delete(known);
    }
    const step = detector.step(read(key), event, { userId });
    derived.push(...step.derived);
    write(key, step.state);
    const now = options.now?.(event);
    if (now === undefined || step.state === null) continue;
    const wake = detector.wakeAt(step.state);
    if (wake === null || wake > now) continue;
    const due = detector.due(step.state, now, { userId });
    derived.push(...due.derived);
    write(key, due.state);
  }
  const states = new Map([...stored.keys()].map((key) => [key, read(key) as State]));
  return { derived, states };
}

/**
 * Moves time from `from` to `to` over every stored state the way the service's timer does: at
 * each state's `wakeAt`, in order, `due` at that moment. Returns what fell due, in order.
 */
export function advanceDetector<State>(
  detector: EventTimeDetector<State>,
  states: Map<string, State>,
  to: number,
  userId = 'user-jordan',
): AlertEvent[] {
  const derived: AlertEvent[] = [];
  for (;;) {
    let next: { key: string; at: number } | null = null;
    for (const [key, state] of states) {
      const at = detector.wakeAt(state);
      if (at !== null && at <= to && (next === null || at < next.at)) next = { key, at };
    }
    if (next === null) return derived;
    const state = states.get(next.key) as State;
    const due = detector.due(state, next.at, { userId });
    derived.push(...due.derived);
    if (due.state === null) states.delete(next.key);
    else states.set(next.key, due.state);
  }
}
