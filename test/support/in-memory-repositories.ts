import type {
  InAppNotificationRepository,
  ProcessedEventRepository,
  ReminderRepository,
  ScheduledReminder,
} from '../../main/core/store/repositories';
import type { InAppNotification } from '../../common';

/**
 * Small in-memory repositories for the delivery bench (tests use the SQLite store on disk, so
 * they prove the product's wiring): fakes of the SQLite ones, only as much as delivery calls.
 */

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
