import { appointmentRemindersDetector } from './appointment-reminders';
import type { EventTimeDetector } from './detector';
import { highSmsDetector } from './high-sms';
import { usageDetector } from './usage';

export * from './appointment-reminders';
export * from './detector';
export * from './high-sms';
export * from './usage';

/**
 * Every detector the service runs over every event it emits, in this order. The companion runs
 * none of them for alerts (the service is the one source of truth); it may run the reminder
 * schedule alone, for pop-ups while its link is down, with the same ids.
 */
export const detectors: readonly EventTimeDetector<unknown>[] = [
  highSmsDetector,
  usageDetector,
  appointmentRemindersDetector,
];
