import { detectors as allDetectors, type AlertEvent, type EventTimeDetector } from '../common';
import type { ServiceStore } from './store';

/** What fell due for one user at one moment. */
export interface DueAlerts {
  userId: string;
  derived: AlertEvent[];
}

/**
 * Runs the pure detectors of common/detectors over the service's events, keeping each state in
 * the store per user, detector and key. Every method runs inside the caller's transaction (the
 * one that stores the event read or the alerts derived), so a state never runs ahead of or
 * behind the events it has seen.
 */
export class Detection {
  constructor(
    private readonly store: ServiceStore,
    /** Told the wake time of every state written with one, so a timer can come sooner. */
    private readonly onWake: (at: number) => void = () => {},
    private readonly detectors: readonly EventTimeDetector<unknown>[] = allDetectors,
  ) {}

  /**
   * Folds one stored event of `userId` into every detector it concerns and returns the alerts
   * they derive, in order. A state whose moment has already come at `now` (an appointment
   * arriving after its reminder's time) is run due at once: nothing waits for the next timer.
   */
  observe(userId: string, event: AlertEvent, now: number): AlertEvent[] {
    const derived: AlertEvent[] = [];
    for (const detector of this.detectors) {
      const key = detector.keyOf(event);
      if (key === null) continue;
      const scope = { userId };
      // What the step would drop anyway (a burst over by this event's time) is forgotten here,
      // for every key of the detector: what is kept stays bounded by what is still active.
      this.store.forgetExpiredDetectorStates(userId, detector.name, Date.parse(event.occurredAt));
      const step = detector.step(this.read(detector, userId, key), event, scope);
      derived.push(...step.derived);
      let state = step.state;
      const wake = state === null ? null : detector.wakeAt(state);
      if (state !== null && wake !== null && wake <= now) {
        const due = detector.due(state, now, scope);
        derived.push(...due.derived);
        state = due.state;
      }
      this.write(detector, userId, key, state, now);
    }
    return derived;
  }

  /** Every state whose moment has come at `now`, run due, with what each user's fell due. */
  due(now: number): DueAlerts[] {
    const byUser = new Map<string, AlertEvent[]>();
    for (const stored of this.store.detectorStatesDue(now)) {
      const detector = this.detectors.find((candidate) => candidate.name === stored.detector);
      if (!detector) {
        // A detector no longer shipped: nothing will ever read its state.
        this.store.writeDetectorState(stored.userId, stored.detector, stored.key, null);
        continue;
      }
      const state = this.parse(detector, stored.stateJson);
      const due = state === null ? { state: null, derived: [] } : detector.due(state, now, stored);
      this.write(detector, stored.userId, stored.key, due.state, now);
      if (due.derived.length === 0) continue;
      byUser.set(stored.userId, [...(byUser.get(stored.userId) ?? []), ...due.derived]);
    }
    return [...byUser].map(([userId, derived]) => ({ userId, derived }));
  }

  private read(detector: EventTimeDetector<unknown>, userId: string, key: string): unknown {
    const json = this.store.detectorState(userId, detector.name, key);
    return json === null ? null : this.parse(detector, json);
  }

  /** A stored state read back through its schema; one that fails it starts the detector afresh. */
  private parse(detector: EventTimeDetector<unknown>, json: string): unknown {
    try {
      const parsed = detector.stateSchema.safeParse(JSON.parse(json));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private write(
    detector: EventTimeDetector<unknown>,
    userId: string,
    key: string,
    state: unknown,
    now: number,
  ): void {
    if (state === null) {
      this.store.writeDetectorState(userId, detector.name, key, null);
      return;
    }
    const wake = detector.wakeAt(state);
    // After `due` a state's moment lies ahead (the detectors' contract); one that did not would
    // wake the timer at once, forever, so it waits for its next event instead.
    const wakeAt = wake !== null && wake > now ? wake : null;
    this.store.writeDetectorState(userId, detector.name, key, {
      json: JSON.stringify(state),
      wakeAt,
      expiresAt: detector.expiresAt(state),
    });
    if (wakeAt !== null) this.onWake(wakeAt);
  }
}
