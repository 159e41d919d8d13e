import {
  reminderOffsetMilliseconds,
  reminderOffsets,
  type AlertEvent,
  type Appointment,
  type ReminderOffset,
} from '../../../common';
import type { Clock, Logger, TimerHandle } from '../ports';
import type { ReminderRepository, ScheduledReminder } from '../store/repositories';
import { missedRemindersIdPrefix } from './describe';
import { noEvents, type Detector } from './detector';
import { fnv1a, localId } from './local-id';
import { sanitizeNotificationText } from './sanitize';

export interface ReminderSchedulerOptions {
  clock: Clock;
  reminders: ReminderRepository;
  /** Hands a reminder to the pipeline (decide → record → deliver). */
  raise: (event: AlertEvent) => void;
  logger: Logger;
  /**
   * A reminder raised later than this after its time counts as missed (sleep, offline, a
   * restart), and missed ones come as one summary. Default 60 s.
   */
  lateToleranceMilliseconds?: number;
  /**
   * Longest a timer is trusted: the schedule is re-checked at least this often, so a missed
   * wake-up signal costs minutes, not hours. Default 5 minutes.
   */
  maxTimerMilliseconds?: number;
}

/** A min-heap entry; stale entries (cancelled, moved) are skipped when they surface. */
interface HeapEntry {
  dueAt: number;
  id: string;
}

const offsetOrder: Record<ScheduledReminder['offset'], number> = {
  created: 0,
  '1d': 1,
  '1h': 2,
  '15m': 3,
  '1m': 4,
};

/**
 * Schedules appointment reminders 1 day, 1 hour, 15 minutes and 1 minute before the start (the
 * `appointmentCreated` alert itself is the pipeline's), persisted in the reminder repository so a
 * restart neither loses nor repeats one. Instants are UTC epoch milliseconds: "1 day before" is
 * 24 hours before, across daylight-saving changes too.
 *
 * Timers are not trusted across sleep: `replan()` re-reads the schedule. Reminders found late
 * (sleep, an offline gap) for appointments not yet over come once: one reminder when only one is
 * late, otherwise ONE "missed reminders" summary; reminders of appointments already over are
 * dropped. Raised event ids are deterministic, so a crash between raising and recording repeats
 * nothing the store has seen.
 */
export class ReminderScheduler implements Detector {
  readonly #clock: Clock;
  readonly #reminders: ReminderRepository;
  readonly #raise: (event: AlertEvent) => void;
  readonly #logger: Logger;
  readonly #lateTolerance: number;
  readonly #maxTimer: number;
  /** Mirror of `reminders.pending()`, by reminder id. */
  readonly #pending = new Map<string, ScheduledReminder>();
  readonly #byAppointment = new Map<string, Set<string>>();
  #heap: HeapEntry[] = [];
  #timer: TimerHandle | null = null;
  #started = false;

  constructor(options: ReminderSchedulerOptions) {
    this.#clock = options.clock;
    this.#reminders = options.reminders;
    this.#raise = options.raise;
    this.#logger = options.logger;
    this.#lateTolerance = options.lateToleranceMilliseconds ?? 60_000;
    this.#maxTimer = options.maxTimerMilliseconds ?? 5 * 60_000;
  }

  /** Reminders scheduled and not yet raised (tests, status). */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Plans from the persisted schedule; late reminders come now (one summary when several). */
  start(): void {
    this.#started = true;
    this.replan();
  }

  /** After resume, unlock or a clock jump: re-reads the schedule and re-plans. Idempotent. */
  replan(): void {
    if (!this.#started) return;
    this.#load();
    this.#plan();
  }

  stop(): void {
    this.#started = false;
    this.#clearTimer();
  }

  /**
   * Appointment events move the schedule; every other event is ignored. Raises nothing now: the
   * reminders it plans come later, through `raise`.
   */
  observe(event: AlertEvent): readonly AlertEvent[] {
    switch (event.kind) {
      case 'appointmentCreated':
      case 'appointmentAssigned':
      case 'appointmentUpdated':
        this.#schedule(event.appointment, event.occurredAt);
        break;
      case 'appointmentCancelled':
        this.#reminders.cancelAppointment(event.appointmentId);
        this.#forget(event.appointmentId);
        break;
      default:
        return noEvents;
    }
    if (this.#started) this.#plan();
    return noEvents;
  }

  #schedule(appointment: Appointment, occurredAt: string): void {
    const startsAt = Date.parse(appointment.startsAt);
    const endsAt = Date.parse(appointment.endsAt);
    const now = this.#clock.now();
    // Offsets already past when the appointment was made never existed. Those that fell due
    // since (an event replayed after an offline gap) are scheduled and found late by the plan.
    const parsedBasis = Date.parse(occurredAt);
    const basis = Number.isFinite(parsedBasis) ? Math.min(parsedBasis, now) : now;
    const reminders: ScheduledReminder[] =
      !Number.isFinite(startsAt) || !Number.isFinite(endsAt) || endsAt <= now
        ? []
        : reminderOffsets
            .map((offset) => ({ offset, dueAt: startsAt - reminderOffsetMilliseconds[offset] }))
            .filter(({ dueAt }) => dueAt > basis)
            .map(({ offset, dueAt }) => ({
              id: `${appointment.id}:${offset}`,
              appointmentId: appointment.id,
              offset,
              dueAt,
              appointmentStartsAt: startsAt,
              appointmentEndsAt: endsAt,
              title: appointment.title,
              contactName: appointment.contactName,
              firedAt: null,
            }));
    this.#reminders.replaceForAppointment(appointment.id, reminders);
    this.#forget(appointment.id);
    for (const reminder of reminders) this.#add(reminder);
  }

  #load(): void {
    this.#pending.clear();
    this.#byAppointment.clear();
    this.#heap = [];
    for (const reminder of this.#reminders.pending()) this.#add(reminder);
  }

  #add(reminder: ScheduledReminder): void {
    this.#pending.set(reminder.id, reminder);
    let ids = this.#byAppointment.get(reminder.appointmentId);
    if (!ids) this.#byAppointment.set(reminder.appointmentId, (ids = new Set()));
    ids.add(reminder.id);
    heapPush(this.#heap, { dueAt: reminder.dueAt, id: reminder.id });
    // Moved and cancelled reminders leave stale entries until they surface; an appointment moved
    // again and again must not grow the heap without bound, so rebuild it from what is live.
    if (this.#heap.length > 2 * this.#pending.size + 64) {
      this.#heap = [];
      for (const live of this.#pending.values()) {
        heapPush(this.#heap, { dueAt: live.dueAt, id: live.id });
      }
    }
  }

  #forget(appointmentId: string): void {
    const ids = this.#byAppointment.get(appointmentId);
    if (!ids) return;
    for (const id of ids) this.#pending.delete(id);
    this.#byAppointment.delete(appointmentId);
  }

  #remove(reminder: ScheduledReminder): void {
    this.#pending.delete(reminder.id);
    const ids = this.#byAppointment.get(reminder.appointmentId);
    ids?.delete(reminder.id);
    if (ids?.size === 0) this.#byAppointment.delete(reminder.appointmentId);
  }

  /** The live reminder at the top of the heap, dropping stale entries on the way. */
  #peek(): ScheduledReminder | null {
    for (;;) {
      const top = this.#heap[0];
      if (!top) return null;
      const reminder = this.#pending.get(top.id);
      if (reminder && reminder.dueAt === top.dueAt) return reminder;
      heapPop(this.#heap);
    }
  }

  #plan(): void {
    this.#clearTimer();
    const now = this.#clock.now();
    const due: ScheduledReminder[] = [];
    for (let next = this.#peek(); next && next.dueAt <= now; next = this.#peek()) {
      heapPop(this.#heap);
      this.#remove(next);
      due.push(next);
    }
    if (due.length > 0) this.#fire(due, now);
    const next = this.#peek();
    if (next && this.#started) {
      this.#timer = this.#clock.setTimeout(
        () => {
          this.#timer = null;
          this.#plan();
        },
        Math.min(next.dueAt - now, this.#maxTimer),
      );
    }
  }

  #fire(due: readonly ScheduledReminder[], now: number): void {
    const over = due.filter((reminder) => reminder.appointmentEndsAt <= now);
    const live = due.filter((reminder) => reminder.appointmentEndsAt > now);
    const onTime = live.filter((reminder) => now - reminder.dueAt <= this.#lateTolerance);
    const late = live.filter((reminder) => now - reminder.dueAt > this.#lateTolerance);
    if (over.length > 0) {
      this.#logger.info('Dropped reminders of appointments already over', { count: over.length });
    }

    const events = onTime.map((reminder) => reminderEvent(reminder, now));
    // Of one appointment's late reminders only the latest offset still says something.
    const latestByAppointment = new Map<string, ScheduledReminder>();
    for (const reminder of late) {
      const known = latestByAppointment.get(reminder.appointmentId);
      if (!known || offsetOrder[reminder.offset] > offsetOrder[known.offset]) {
        latestByAppointment.set(reminder.appointmentId, reminder);
      }
    }
    const latest = [...latestByAppointment.values()].sort(
      (left, right) => left.appointmentStartsAt - right.appointmentStartsAt,
    );
    const [first] = latest;
    if (first && latest.length === 1) events.push(reminderEvent(first, now));
    else if (first) events.push(summaryEvent(latest, late, now));

    for (const event of events) {
      try {
        this.#raise(event);
      } catch (error) {
        // A failing pipeline must not make the reminder come back on every plan.
        this.#logger.error('Raising a reminder failed', {
          eventId: event.id,
          error: String(error),
        });
      }
    }
    // Raised first, then marked: a crash in between repeats an id the store already recorded.
    this.#reminders.markFired(
      due.map((reminder) => reminder.id),
      now,
    );
  }

  #clearTimer(): void {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}

function appointmentOf(reminder: ScheduledReminder): Appointment {
  return {
    id: reminder.appointmentId,
    title: reminder.title,
    startsAt: new Date(reminder.appointmentStartsAt).toISOString(),
    endsAt: new Date(reminder.appointmentEndsAt).toISOString(),
    contactName: reminder.contactName,
  };
}

function eventOffset(reminder: ScheduledReminder): ReminderOffset {
  // `created` is the pipeline's own alert; a stored one reminds like the earliest offset.
  return reminder.offset === 'created' ? '1d' : reminder.offset;
}

function reminderEvent(reminder: ScheduledReminder, now: number): AlertEvent {
  return {
    kind: 'appointmentReminder',
    // The due time is part of the id: a moved appointment's new reminder is a new alert.
    id: localId('reminder', reminder.appointmentId, reminder.offset, reminder.dueAt.toString(36)),
    occurredAt: new Date(now).toISOString(),
    appointment: appointmentOf(reminder),
    offset: eventOffset(reminder),
  };
}

/**
 * One event standing for every late reminder: the soonest appointment carries it (its offset
 * decides which reminder preference applies) and its title says what was missed.
 */
function summaryEvent(
  latest: readonly ScheduledReminder[],
  late: readonly ScheduledReminder[],
  now: number,
): AlertEvent {
  const [soonest] = latest as [ScheduledReminder, ...ScheduledReminder[]];
  const names = latest.map((reminder) =>
    reminder.contactName ? `${reminder.title} with ${reminder.contactName}` : reminder.title,
  );
  const title = sanitizeNotificationText(
    `${latest.length} appointments coming up: ${names.join(', ')}`,
    { characters: 200, bytes: 800 },
  );
  const ids = late.map((reminder) => `${reminder.id}@${reminder.dueAt}`).sort();
  return {
    kind: 'appointmentReminder',
    id: `${missedRemindersIdPrefix}${fnv1a(ids.join('|'))}`,
    occurredAt: new Date(now).toISOString(),
    appointment: { ...appointmentOf(soonest), title },
    offset: eventOffset(soonest),
  };
}

function heapPush(heap: HeapEntry[], entry: HeapEntry): void {
  heap.push(entry);
  let index = heap.length - 1;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    const parentEntry = heap[parent] as HeapEntry;
    if (parentEntry.dueAt <= entry.dueAt) break;
    heap[index] = parentEntry;
    index = parent;
  }
  heap[index] = entry;
}

function heapPop(heap: HeapEntry[]): HeapEntry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || !last) return top;
  let index = 0;
  for (;;) {
    const left = 2 * index + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const leftEntry = heap[left] as HeapEntry;
    const rightEntry = heap[right];
    const child = rightEntry && rightEntry.dueAt < leftEntry.dueAt ? right : left;
    const childEntry = heap[child] as HeapEntry;
    if (childEntry.dueAt >= last.dueAt) break;
    heap[index] = childEntry;
    index = child;
  }
  heap[index] = last;
  return top;
}
