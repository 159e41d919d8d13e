import type { Logger, NotifierPort, PopupContent, PopupResult } from '../../ports';
import type {
  InAppNotificationRepository,
  ProcessedEventRepository,
  ReminderRepository,
  ScheduledReminder,
} from '../../store/repositories';
import type { InAppNotification } from '../../../../common';

/**
 * Fakes for the edges delivery tests cannot run for real in every case: a notifier that records
 * pop-ups (the real daemon test is node-notifier.test.ts), a logger that records, and small
 * in-memory repositories for the benchmarks (tests use the SQLite store on disk).
 */

/** A notifier that records what it was asked to show; `fail` makes pop-ups fail with a reason. */
export class FakeRecordingNotifier implements NotifierPort {
  readonly shown: PopupContent[] = [];
  readonly #clickListeners = new Set<(itemId: string) => void>();
  available: { available: true } | { available: false; reason: string } = { available: true };
  fail: string | null = null;

  probe(): Promise<{ available: true } | { available: false; reason: string }> {
    return Promise.resolve(this.available);
  }

  show(content: PopupContent): Promise<PopupResult> {
    if (this.fail !== null) return Promise.resolve({ shown: false, reason: this.fail });
    this.shown.push(content);
    return Promise.resolve({ shown: true });
  }

  onClick(listener: (itemId: string) => void): void {
    this.#clickListeners.add(listener);
  }

  /** What the OS does when the person clicks a pop-up. */
  click(itemId: string): void {
    for (const listener of this.#clickListeners) listener(itemId);
  }
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps what it is told. */
export class FakeRecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, fields });
  }
}

/** In-memory ReminderRepository (a fake of the SQLite one; benchmarks). */
export class FakeReminderRepository implements ReminderRepository {
  readonly #byAppointment = new Map<string, ScheduledReminder[]>();
  readonly #byId = new Map<string, ScheduledReminder>();

  replaceForAppointment(appointmentId: string, reminders: readonly ScheduledReminder[]): void {
    this.cancelAppointment(appointmentId);
    if (reminders.length === 0) return;
    const copies = reminders.map((reminder) => ({ ...reminder }));
    this.#byAppointment.set(appointmentId, copies);
    for (const copy of copies) this.#byId.set(copy.id, copy);
  }

  cancelAppointment(appointmentId: string): void {
    for (const reminder of this.#byAppointment.get(appointmentId) ?? []) {
      this.#byId.delete(reminder.id);
    }
    this.#byAppointment.delete(appointmentId);
  }

  pending(): ScheduledReminder[] {
    return [...this.#byId.values()]
      .filter((reminder) => reminder.firedAt === null)
      .sort((left, right) => left.dueAt - right.dueAt)
      .map((reminder) => ({ ...reminder }));
  }

  markFired(ids: readonly string[], firedAt: number): void {
    for (const id of ids) {
      const reminder = this.#byId.get(id);
      if (reminder) reminder.firedAt = firedAt;
    }
  }
}

/** In-memory InAppNotificationRepository (a fake of the SQLite one; benchmarks). */
export class FakeInAppNotificationRepository implements InAppNotificationRepository {
  readonly items: InAppNotification[] = [];

  add(item: InAppNotification): void {
    this.items.push({ ...item });
  }

  list(limit: number): InAppNotification[] {
    return this.items.slice(-limit).reverse();
  }

  markRead(ids: readonly string[]): number {
    const wanted = new Set(ids);
    let changed = 0;
    for (const item of this.items) {
      if (wanted.has(item.id) && !item.read) {
        item.read = true;
        changed++;
      }
    }
    return changed;
  }

  unreadCount(): number {
    return this.items.filter((item) => !item.read).length;
  }
}

/** Only `markNotified` of ProcessedEventRepository matters to delivery; the rest is inert. */
export class FakeNotifiedEvents implements ProcessedEventRepository {
  readonly notified = new Map<string, number>();
  lastSeq(): number {
    return 0;
  }
  has(): boolean {
    return false;
  }
  recordDecision(): boolean {
    return true;
  }
  recordDecisions(items: readonly unknown[]): boolean[] {
    return items.map(() => true);
  }
  markNotified(eventId: string, notifiedAt: number): void {
    this.notified.set(eventId, notifiedAt);
  }
  flushMarks(): void {}
  pendingNotifications(): ReturnType<ProcessedEventRepository['pendingNotifications']> {
    return [];
  }
  recent(): ReturnType<ProcessedEventRepository['recent']> {
    return [];
  }
}
