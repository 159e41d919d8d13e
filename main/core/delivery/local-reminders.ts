import {
  appointmentRemindersDetector as detector,
  type AlertEvent,
  type AppointmentRemindersState,
} from '../../../common';
import type { BatchRunner } from '../event-batch';
import type { Clock, Logger, TimerHandle } from '../ports';
import type { ReminderStateRepository } from '../store/repositories';

export interface LocalRemindersOptions {
  clock: Clock;
  states: ReminderStateRepository;
  /** Whose reminders these are: reminder ids name the user, as the service's do. */
  userId: string;
  batches: BatchRunner;
  /**
   * Whether the service can be expected to send a reminder itself now: the link is connected
   * (or connecting). Then a reminder that comes due waits `graceMilliseconds` for the service's
   * copy before it is raised here.
   */
  linkUp: () => boolean;
  /** Whether an event with this id is recorded: the service's copy arrived first. */
  recorded: (eventId: string) => boolean;
  /** Hands a reminder to the pipeline (decide → record → deliver), inside the open batch. */
  raise: (event: AlertEvent) => void;
  logger: Logger;
  /** How long a due reminder waits for the service's copy while the link is up. Default 15 s. */
  graceMilliseconds?: number;
  /** Longest a timer is trusted: the schedule is re-read at least this often. Default 5 min. */
  maxTimerMilliseconds?: number;
  /** The wait after raising failed (a failed write) before trying again. Default 1 min. */
  retryMilliseconds?: number;
}

/**
 * The companion's own appointment reminders, only for pop-ups while the link is down: the
 * service is the source of truth (it schedules, emails and texts every reminder). The schedule
 * is the pure `appointmentRemindersDetector` of common/detectors (1 day, 1 hour, 15 minutes and
 * 1 minute before the start; the late rule: of reminders found late only the latest offset, and
 * only if the appointment has not started), its state kept per appointment in the store,
 * written in the batch of the event that moved it. A reminder it raises has the service's id
 * (`reminderEventId`), so the two copies are one alert: one pop-up, one in-app item, one
 * Activity row (the pipeline adopts the service's copy into the local record).
 *
 * When a reminder comes due while the link is up, it waits a grace (15 s) for the service's
 * copy and is raised here only if none came; with the link down it is raised at once.
 */
export class LocalReminders {
  readonly #options: LocalRemindersOptions;
  readonly #grace: number;
  /** Since when each due appointment has been waiting for the service's copy. */
  readonly #waiting = new Map<string, number>();
  #timer: TimerHandle | null = null;
  #started = false;

  constructor(options: LocalRemindersOptions) {
    this.#options = options;
    this.#grace = options.graceMilliseconds ?? 15_000;
  }

  /** Plans from the stored schedule; reminders found due come now (or after the grace). */
  start(): void {
    this.#started = true;
    this.#plan();
  }

  /** After resume, unlock or a clock jump: re-reads the schedule and re-plans. Idempotent. */
  replan(): void {
    this.#plan();
  }

  stop(): void {
    this.#started = false;
    this.#clearTimer();
  }

  /**
   * Inside the batch of a recorded event: an appointment created, updated, assigned or
   * cancelled moves its schedule, written in the same transaction; the timer is re-planned
   * once the batch committed.
   */
  observe(event: AlertEvent): void {
    const key = detector.keyOf(event);
    if (key === null) return;
    const step = detector.step(this.#read(key), event, { userId: this.#options.userId });
    this.#write(key, step.state);
    this.#options.batches.afterCommit(() => {
      this.#waiting.delete(key);
      this.#plan();
    });
  }

  #read(appointmentId: string): AppointmentRemindersState | null {
    const stored = this.#options.states.get(appointmentId);
    if (!stored) return null;
    const parsed = detector.stateSchema.safeParse(stored.state);
    // A state this build cannot read starts afresh, as the detector's contract says.
    return parsed.success ? parsed.data : null;
  }

  #write(appointmentId: string, state: AppointmentRemindersState | null): void {
    this.#options.states.put(appointmentId, state, state ? detector.wakeAt(state) : null);
  }

  #plan(): void {
    if (!this.#started) return;
    this.#clearTimer();
    const { clock, states } = this.#options;
    const now = clock.now();
    let next = states.nextWakeAfter(now);
    const ready: string[] = [];
    for (const { appointmentId } of states.dueBy(now)) {
      if (this.#options.linkUp()) {
        const since = this.#waiting.get(appointmentId) ?? now;
        this.#waiting.set(appointmentId, since);
        if (now < since + this.#grace) {
          next = Math.min(next ?? Infinity, since + this.#grace);
          continue;
        }
      }
      ready.push(appointmentId);
    }
    if (ready.length > 0 && !this.#fire(ready, now)) {
      next = Math.min(next ?? Infinity, now + (this.#options.retryMilliseconds ?? 60_000));
    }
    if (next === null || !this.#started) return;
    const maximum = this.#options.maxTimerMilliseconds ?? 5 * 60_000;
    this.#timer = clock.setTimeout(
      () => {
        this.#timer = null;
        this.#plan();
      },
      Math.max(0, Math.min(next - now, maximum)),
    );
  }

  /**
   * What is due, as one batch: the states after it and the reminders raised commit together.
   * Returns false when the batch failed (nothing changed; tried again later).
   */
  #fire(appointmentIds: readonly string[], now: number): boolean {
    const { batches, recorded, raise, userId, logger } = this.#options;
    try {
      batches.run(() => {
        for (const appointmentId of appointmentIds) {
          const state = this.#read(appointmentId);
          const result = state ? detector.due(state, now, { userId }) : { state, derived: [] };
          this.#write(appointmentId, result.state);
          for (const reminder of result.derived) {
            // The service's copy came first: it is the alert, nothing is raised here.
            if (!recorded(reminder.id)) raise(reminder);
          }
        }
      });
    } catch (error) {
      logger.error('Raising due reminders failed; trying again in a minute', {
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
    for (const appointmentId of appointmentIds) this.#waiting.delete(appointmentId);
    return true;
  }

  #clearTimer(): void {
    if (this.#timer) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
