import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Decision, InAppNotification, ServiceEvent } from '../../../common';
import { cleanupAfterEach } from '../../../test/support/cleanups';
import { openDatabase } from './database';
import { migrate } from './migrate';
import type { RetentionRule } from './repositories';
import { defaultRetentionRule, SqliteRetention } from './retention';
import { SqliteStore } from './sqlite-store';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-retention-');
const day = 24 * 60 * 60 * 1000;
const now = Date.UTC(2026, 10, 22, 9, 0, 0);

/** A store on a temp file, with retention under `rule` over the same connection. */
function storeWith(rule: RetentionRule = defaultRetentionRule) {
  const path = `${temporaryFolder()}/ringside.sqlite`;
  const db = openDatabase(path);
  migrate(db);
  const store = new SqliteStore(db, path);
  defer(() => store.close());
  return { db, store, retention: new SqliteRetention(db, rule) };
}

function item(index: number, createdAt: number, read = false): InAppNotification {
  return {
    id: `event-${index}`,
    eventId: `event-${index}`,
    title: `Text ${index}`,
    body: 'Body',
    createdAt,
    read,
    quietReason: null,
  };
}

function text(seq: number): ServiceEvent {
  return {
    id: `event-${seq}`,
    seq,
    userId: 'user-sam',
    occurredAt: '2026-11-22T10:00:00Z',
    kind: 'call',
    lineId: 'line-1',
    from: '+15550100',
    contactName: null,
    callId: `call-${seq}`,
    state: 'ringing',
  };
}

function decision(eventId: string, popUp: boolean): Decision {
  return {
    eventId,
    alertType: 'callPersonal',
    lineId: 'line-1',
    deliveries: popUp ? [{ channel: 'desktop', destination: null }] : [],
    suppressed: [],
  };
}

const countUnread = (db: Database) =>
  Number(db.prepare('SELECT COUNT(*) FROM in_app_notifications WHERE read = 0').pluck().get());

describe('the unread counter', () => {
  it('equals COUNT(*) after adds, repeats, rewrites in place, mark read, mark all read and pruning', () => {
    const { db, store, retention } = storeWith({ keepDays: 1, keepItems: 5, batchSize: 3 });
    const check = () => expect(store.notifications.unreadCount()).toBe(countUnread(db));
    for (let index = 1; index <= 12; index++)
      store.notifications.add(item(index, now - 10 * day + index));
    store.notifications.add(item(13, now, true));
    check();
    expect(store.notifications.unreadCount()).toBe(12);
    // An id already listed is ignored: counted once.
    store.notifications.add(item(3, now));
    // Rewritten in place (a missed call): its words change, its read mark and the count do not.
    store.notifications.put({ ...item(4, now), title: 'Missed call' });
    store.notifications.put(item(14, now));
    check();
    expect(store.notifications.markRead(['event-1', 'event-2', 'event-1', 'missing'])).toBe(2);
    check();
    store.eventTransaction(() => {
      store.notifications.add(item(15, now));
      store.notifications.markRead(['event-15']);
    });
    check();
    // A rolled-back batch leaves the counter as it was.
    expect(() =>
      store.eventTransaction(() => {
        store.notifications.add(item(16, now));
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    check();
    expect(retention.prune(now).items).toBe(3);
    check();
    while (retention.prune(now).more);
    check();
    expect(store.notifications.markAllRead()).toBeGreaterThan(0);
    check();
    expect(store.notifications.unreadCount()).toBe(0);
  });

  it('is carried over from what a version-4 store holds', () => {
    const path = `${temporaryFolder()}/ringside.sqlite`;
    const db = openDatabase(path);
    migrate(db, { targetVersion: 4 });
    const insert = db.prepare(
      `INSERT INTO in_app_notifications (id, event_id, title, body, created_at, read)
       VALUES (?, ?, 't', 'b', 1, ?)`,
    );
    for (let index = 0; index < 7; index++)
      insert.run(`n-${index}`, `e-${index}`, index % 3 === 0 ? 1 : 0);
    migrate(db);
    const store = new SqliteStore(db, path);
    defer(() => store.close());
    expect(store.notifications.unreadCount()).toBe(4);
    expect(store.notifications.unreadCount()).toBe(countUnread(db));
  });
});

describe('retention', () => {
  it('keeps the newest keepItems or keepDays, whichever keeps more, pruning in small steps', () => {
    const { db, store, retention } = storeWith({ keepDays: 90, keepItems: 4, batchSize: 2 });
    // Ten items 100+ days old, three within 90 days.
    for (let index = 1; index <= 10; index++)
      store.notifications.add(item(index, now - (110 - index) * day));
    for (let index = 11; index <= 13; index++)
      store.notifications.add(item(index, now - index * day));
    const first = retention.prune(now);
    expect(first).toEqual({ items: 2, events: 0, more: true });
    let steps = 1;
    while (retention.prune(now).more) steps++;
    const left = store.notifications.list(100).map((each) => each.id);
    // The three recent ones, and the newest old one: four kept, the count's rule keeps more.
    expect(left.sort()).toEqual(['event-10', 'event-11', 'event-12', 'event-13']);
    expect(steps).toBeGreaterThanOrEqual(3);
    expect(countUnread(db)).toBe(4);
    // Everything within 90 days stays however many there are.
    for (let index = 20; index < 30; index++) store.notifications.add(item(index, now - day));
    while (retention.prune(now).more);
    expect(store.notifications.list(100)).toHaveLength(13);
  });

  it('never prunes an event whose pop-up is still owed, nor the one holding lastSeq', () => {
    const { store, retention } = storeWith({ keepDays: 1, keepItems: 1, batchSize: 100 });
    store.eventTransaction(() => {
      for (let seq = 1; seq <= 6; seq++) {
        store.events.recordDecision(
          text(seq),
          decision(`event-${seq}`, true),
          now - 30 * day + seq,
        );
      }
    });
    // Pop-ups 1, 2, 4 and 6 were shown; 3 and 5 are still owed.
    for (const seq of [1, 2, 4, 6])
      store.events.markNotified(`event-${seq}`, now, { status: 'shown' });
    store.events.flushMarks();
    expect(retention.prune(now).events).toBe(3);
    expect([1, 2, 3, 4, 5, 6].filter((seq) => store.events.has(`event-${seq}`))).toEqual([3, 5, 6]);
    expect(store.events.pendingNotifications().map((owed) => owed.event.id)).toEqual([
      'event-3',
      'event-5',
    ]);
    expect(store.events.lastSeq()).toBe(6);
  });

  it('prunes events a large pop-up marked (popup_marks, migration 0009), their marks with them', async () => {
    const { db, store, retention } = storeWith({ keepDays: 1, keepItems: 1, batchSize: 100 });
    store.eventTransaction(() => {
      for (let seq = 1; seq <= 4; seq++) {
        store.events.recordDecision(
          text(seq),
          decision(`event-${seq}`, true),
          now - 30 * day + seq,
        );
      }
    });
    const ids = ['event-1', 'event-2', 'event-3'];
    await new Promise<void>((resolve) =>
      store.events.markNotifiedInTurns(ids, now, { status: 'shown' }, () => resolve()),
    );
    expect(db.prepare('SELECT COUNT(*) FROM popup_marks').pluck().get()).toBe(3);
    // 1–3 were shown (their marks in popup_marks), 4 is still owed and holds lastSeq.
    expect(retention.prune(now).events).toBe(3);
    expect([1, 2, 3, 4].filter((seq) => store.events.has(`event-${seq}`))).toEqual([4]);
    expect(db.prepare('SELECT COUNT(*) FROM popup_marks').pluck().get()).toBe(0);
  });

  it('drops a replay of a pruned range as repeats: a service seq at or below the pruned watermark', () => {
    const { store, retention } = storeWith({ keepDays: 1, keepItems: 2, batchSize: 100 });
    store.events.startEpoch('epoch-a', 0);
    store.eventTransaction(() => {
      for (let seq = 1; seq <= 10; seq++) {
        store.events.recordDecision(
          text(seq),
          decision(`event-${seq}`, false),
          now - 30 * day + seq,
        );
      }
    });
    expect(retention.prune(now).events).toBe(8);
    expect(store.events.has('event-4')).toBe(false);
    // The service replays from an older cursor (a power loss rolled it back): the pruned ids
    // come again, and are recorded as repeats, not decided and shown again.
    expect(store.events.recordDecision(text(4), decision('event-4', true), now)).toBe(false);
    expect(store.events.recordDecision(text(8), decision('event-8', true), now)).toBe(false);
    expect(store.events.has('event-4')).toBe(false);
    // Newer events are recorded as ever; a local alert (no seq) too.
    expect(store.events.recordDecision(text(11), decision('event-11', true), now)).toBe(true);
    const local = { ...text(0), id: 'local-1' } as Partial<ServiceEvent>;
    delete local.seq;
    delete local.userId;
    expect(store.events.recordDecision(local as ServiceEvent, decision('local-1', true), now)).toBe(
      true,
    );
    // A new epoch (the service's data made again) starts its seqs over: the watermark with them.
    store.events.startEpoch('epoch-b', 0);
    expect(store.events.recordDecision(text(4), decision('event-4', true), now)).toBe(true);
  });
});
