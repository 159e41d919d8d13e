import type { AlertEvent } from '../../../common';

/**
 * The one shape of everything that watches the event stream for derived alerts: the high-SMS
 * detector (a burst of texts), the usage detector (thresholds crossed) and the reminder scheduler
 * (which only plans: its reminders come later, through the pipeline). The session hands each
 * event to every detector before the event is decided.
 */
export interface Detector {
  /** The derived events this event raises now: most events raise none. */
  observe(event: AlertEvent): readonly AlertEvent[];
}

/**
 * What a detector returns when an event raises nothing: one shared empty list rather than a new
 * one per event (every event passes every detector).
 */
export const noEvents: readonly AlertEvent[] = Object.freeze([]);
