import type {
  InAppNotificationRepository,
  ProcessedEventRepository,
} from '../../main/core/store/repositories';
import type { InAppNotification, PopupRecord } from '../../common';

/**
 * Small in-memory repositories for the delivery bench (tests use the SQLite store on disk, so
 * they prove the product's wiring): fakes of the SQLite ones, only as much as delivery calls.
 */

/** In-memory InAppNotificationRepository (a fake of the SQLite one; benchmarks). */
export class FakeInAppNotificationRepository implements InAppNotificationRepository {
  readonly items: InAppNotification[] = [];

  add(item: InAppNotification): void {
    this.items.push({ ...item });
  }

  put(item: InAppNotification): void {
    const known = this.items.find((entry) => entry.id === item.id);
    if (known) Object.assign(known, { title: item.title, body: item.body });
    else this.add(item);
  }

  update(id: string, change: { title: string; body: string; quietReason?: string | null }) {
    const known = this.items.find((entry) => entry.id === id);
    if (!known) return false;
    Object.assign(known, { title: change.title, body: change.body, read: false });
    if (change.quietReason !== undefined) known.quietReason = change.quietReason;
    return true;
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

  markAllRead(): number {
    return this.markRead(this.items.map((item) => item.id));
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
  epoch(): string | null {
    return null;
  }
  startEpoch(): void {}
  has(): boolean {
    return false;
  }
  recordDecision(): boolean {
    return true;
  }
  adoptServiceCopy(): boolean {
    return false;
  }
  updateOutcome(): boolean {
    return false;
  }
  markNotified(eventId: string, notifiedAt: number): void {
    this.notified.set(eventId, notifiedAt);
  }
  flushMarks(): boolean {
    return true;
  }
  markNotifiedInTurns(
    eventIds: readonly string[],
    notifiedAt: number,
    _popup: PopupRecord,
    written: (eventIds: readonly string[] | null) => void,
  ): void {
    for (const eventId of eventIds) this.notified.set(eventId, notifiedAt);
    written(eventIds);
  }
  readonly writingMarks = false;
  pendingNotifications(): ReturnType<ProcessedEventRepository['pendingNotifications']> {
    return [];
  }
  get(): ReturnType<ProcessedEventRepository['get']> {
    return null;
  }
  getMany(): ReturnType<ProcessedEventRepository['getMany']> {
    return new Map();
  }
  recent(): ReturnType<ProcessedEventRepository['recent']> {
    return [];
  }
  callEvents(): ReturnType<ProcessedEventRepository['callEvents']> {
    return [];
  }
  unstoppedCalls(): ReturnType<ProcessedEventRepository['unstoppedCalls']> {
    return [];
  }
}
