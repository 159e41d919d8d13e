import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  defaultBusinessDefaults,
  defaultUserPreferences,
  type AlertEvent,
  type Decision,
  type ServiceEvent,
} from '../../../common';
import { openDatabase } from './database';
import { migrate, openStore, storePathFor, type Store } from './index';
import { SqliteStore } from './sqlite-store';
import { cleanupAfterEach } from '../../../test/support/cleanups';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-store-');
const shown = { status: 'shown' } as const;
function freshStore(): { store: Store; dataDir: string } {
  const dataDir = temporaryFolder();
  const store = openStore({ dataDir, userId: 'user-sam' });
  defer(() => store.close());
  return { store, dataDir };
}

function callEvent(seq: number): Extract<ServiceEvent, { kind: 'call' }> {
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

function popupDecision(eventId: string): Decision {
  return {
    eventId,
    alertType: 'callPersonal',
    lineId: 'line-1',
    deliveries: [{ channel: 'desktop', destination: null }],
    suppressed: [],
  };
}

describe('per-user location', () => {
  it('gives each user a folder under dataDir, escaping characters unsafe in file names', () => {
    expect(storePathFor('/data', 'user-sam')).toBe(
      join('/data', 'users', 'user-sam', 'ringside.sqlite'),
    );
    expect(storePathFor('/data', 'a:b')).toBe(join('/data', 'users', 'a%3ab', 'ringside.sqlite'));
    expect(storePathFor('/data', '..')).toBe(join('/data', 'users', '%2e%2e', 'ringside.sqlite'));
    // Case-insensitive file systems (macOS, Windows) and Windows' dropped trailing dot.
    expect(storePathFor('/data', 'User-A')).not.toBe(storePathFor('/data', 'user-a'));
    expect(storePathFor('/data', 'User-A').toLowerCase()).not.toBe(
      storePathFor('/data', 'user-a').toLowerCase(),
    );
    expect(storePathFor('/data', 'a.')).toBe(join('/data', 'users', 'a%2e', 'ringside.sqlite'));
    // Escapes have one width: a character beyond one byte never reads as a shorter escape + text.
    expect(storePathFor('/data', '\u{1F600}')).not.toBe(storePathFor('/data', '\u00d83d\u00de00'));
    expect(storePathFor('/data', '\u0100')).toBe(
      join('/data', 'users', '%c4%80', 'ringside.sqlite'),
    );
  });

  it('opens in WAL mode and keeps data across reopen', () => {
    const { store, dataDir } = freshStore();
    store.meta.set('deviceId', 'device-a');
    // WAL: commits go to the write-ahead log beside the file, not to a rollback journal.
    expect(existsSync(`${store.path}-wal`)).toBe(true);
    store.close();
    const reopened = openStore({ dataDir, userId: 'user-sam' });
    defer(() => reopened.close());
    expect(reopened.meta.get('deviceId')).toBe('device-a');
    expect(reopened.integrityCheck()).toBe('ok');
  });
});

describe('processed events', () => {
  it('records once per id, advances lastSeq to the highest seq, and survives reopen', () => {
    const { store, dataDir } = freshStore();
    expect(store.events.lastSeq()).toBe(0);
    expect(store.events.recordDecision(callEvent(1), popupDecision('event-1'), 100)).toBe(true);
    expect(store.events.recordDecision(callEvent(3), popupDecision('event-3'), 101)).toBe(true);
    expect(store.events.recordDecision(callEvent(3), popupDecision('event-3'), 102)).toBe(false);
    expect(store.events.lastSeq()).toBe(3);
    expect(store.events.has('event-1')).toBe(true);
    expect(store.events.has('event-9')).toBe(false);

    store.events.markNotified('event-1', 200, shown);
    expect(store.events.pendingNotifications().map((item) => item.event.id)).toEqual(['event-3']);
    expect(store.events.recent(10).map((item) => [item.event.id, item.decidedAt])).toEqual([
      ['event-3', 101],
      ['event-1', 100],
    ]);
    store.close();
    const reopened = openStore({ dataDir, userId: 'user-sam' });
    defer(() => reopened.close());
    expect(reopened.events.lastSeq()).toBe(3);
    expect(reopened.events.pendingNotifications()).toHaveLength(1);
  });

  it('keeps the service outcome apart from the event, and what became of each pop-up', () => {
    const { store } = freshStore();
    const outcome = {
      deliveries: [
        {
          channel: 'email' as const,
          status: 'sent' as const,
          outboxId: 4,
          destination: 'sam@example.com',
        },
      ],
    };
    store.events.recordDecision({ ...callEvent(1), outcome }, popupDecision('event-1'), 100);
    store.events.recordDecision(callEvent(2), popupDecision('event-2'), 101);
    store.notifications.add({
      id: 'event-1',
      eventId: 'event-1',
      title: 'Call',
      body: '',
      createdAt: 1,
      read: false,
      quietReason: null,
    });
    store.events.markNotified('event-2', 200, { status: 'failed', reason: 'No daemon' });
    expect(store.events.flushMarks()).toBe(true);
    expect(store.events.get('event-1')).toEqual({
      event: callEvent(1),
      decision: popupDecision('event-1'),
      decidedAt: 100,
      seq: 1,
      outcome,
      popup: null,
      notified: false,
      listed: true,
    });
    expect(store.events.get('event-2')).toMatchObject({
      outcome: null,
      popup: { status: 'failed', reason: 'No daemon' },
      notified: true,
      listed: false,
    });
    expect(store.events.get('event-9')).toBeNull();
    // Many at once (the end of a catch-up): the same records by id, one not recorded absent.
    const many = store.events.getMany(['event-2', 'event-9', 'event-1']);
    expect([...many.keys()].sort()).toEqual(['event-1', 'event-2']);
    expect(many.get('event-1')).toEqual(store.events.get('event-1'));
    expect(many.get('event-2')).toEqual(store.events.get('event-2'));
    expect(store.events.getMany([]).size).toBe(0);
  });

  it("adopts the service's copy of a local alert: its seq and outcome, lastSeq past it, once", () => {
    const { store } = freshStore();
    // The same alert as the companion raises it itself: no seq, no user.
    const local = Object.fromEntries(
      Object.entries(callEvent(7)).filter(([key]) => key !== 'seq' && key !== 'userId'),
    ) as AlertEvent;
    store.events.recordDecision(local, popupDecision('event-7'), 100);
    expect(store.events.lastSeq()).toBe(0);
    const outcome = {
      deliveries: [
        { channel: 'email' as const, status: 'notSent' as const, code: 'x', explanation: 'No' },
      ],
    };
    expect(store.events.adoptServiceCopy({ ...callEvent(7), outcome })).toBe(true);
    expect(store.events.lastSeq()).toBe(7);
    expect(store.events.get('event-7')).toMatchObject({ seq: 7, outcome });
    // A second copy, or a copy of something the service itself sent, changes nothing.
    expect(store.events.adoptServiceCopy(callEvent(7))).toBe(false);
    store.events.recordDecision(callEvent(8), popupDecision('event-8'), 101);
    expect(store.events.adoptServiceCopy(callEvent(8))).toBe(false);
    expect(store.events.adoptServiceCopy(callEvent(9))).toBe(false);
  });

  it('keeps the data epoch with the cursor, and a new epoch moves the cursor back', () => {
    const { store, dataDir } = freshStore();
    expect(store.events.epoch()).toBeNull();
    store.events.recordDecision(callEvent(5), popupDecision('event-5'), 100);
    store.events.startEpoch('epoch-a', 5);
    store.events.startEpoch('epoch-b', 0);
    expect(store.events.lastSeq()).toBe(0);
    // The records stay: a replay of the new epoch drops what it already has by id.
    expect(store.events.has('event-5')).toBe(true);
    store.close();
    const reopened = openStore({ dataDir, userId: 'user-sam' });
    defer(() => reopened.close());
    expect(reopened.events.epoch()).toBe('epoch-b');
  });

  it('writes the cursor once per event transaction: read inside it, committed with it, rolled back with it', () => {
    const { store, dataDir } = freshStore();
    store.eventTransaction(() => {
      store.events.recordDecision(callEvent(3), popupDecision('event-3'), 100);
      store.events.recordDecision(callEvent(9), popupDecision('event-9'), 100);
      store.events.recordDecision(callEvent(6), popupDecision('event-6'), 100);
      // Inside the batch the cursor already says what was recorded.
      expect(store.events.lastSeq()).toBe(9);
    });
    expect(store.events.lastSeq()).toBe(9);
    // A batch that throws takes its records and its cursor with it.
    expect(() =>
      store.eventTransaction(() => {
        store.events.recordDecision(callEvent(12), popupDecision('event-12'), 101);
        throw new Error('the batch failed');
      }),
    ).toThrow('the batch failed');
    expect(store.events.lastSeq()).toBe(9);
    expect(store.events.has('event-12')).toBe(false);
    // The next batch does not carry the failed one's seq either.
    store.eventTransaction(() => {
      store.events.recordDecision(callEvent(10), popupDecision('event-10'), 102);
    });
    expect(store.events.lastSeq()).toBe(10);
    // A new epoch inside a batch sets the cursor outright, after the events before it.
    store.eventTransaction(() => {
      store.events.recordDecision(callEvent(11), popupDecision('event-11'), 103);
      store.events.startEpoch('epoch-b', 2);
    });
    expect(store.events.lastSeq()).toBe(2);
    store.close();
    const reopened = openStore({ dataDir, userId: 'user-sam' });
    defer(() => reopened.close());
    expect(reopened.events.lastSeq()).toBe(2);
    expect(reopened.events.has('event-11')).toBe(true);
  });

  it('does not re-raise decisions without a desktop delivery', () => {
    const { store } = freshStore();
    const quiet: Decision = {
      ...popupDecision('event-1'),
      deliveries: [{ channel: 'inApp', destination: null }],
    };
    store.events.recordDecision(callEvent(1), quiet, 1);
    expect(store.events.pendingNotifications()).toEqual([]);
  });
});

describe('the event transaction', () => {
  /** The store as `openStore` builds it, with its connection in hand to read its pragmas. */
  function storeWithConnection(): { store: Store; connection: Database; dataDir: string } {
    const { store: first, dataDir } = freshStore();
    first.close();
    const connection = openDatabase(first.path);
    migrate(connection);
    const store = new SqliteStore(connection, first.path);
    defer(() => store.close());
    return { store, connection, dataDir };
  }

  it('commits a batch in one WAL transaction at synchronous = NORMAL (no fsync), FULL kept for settings', () => {
    const { store, connection, dataDir } = storeWithConnection();
    const synchronous = () => connection.pragma('synchronous', { simple: true });
    const seen: unknown[] = [];
    const recorded = store.eventTransaction(() => {
      seen.push(synchronous());
      // Nested event transactions and settings writes join the outer one.
      store.eventTransaction(() =>
        store.events.recordDecision(callEvent(1), popupDecision('event-1'), 100),
      );
      store.meta.set('usage.newestPeriod', 'p-1');
      return store.events.recordDecision(callEvent(2), popupDecision('event-2'), 101);
    });
    expect(recorded).toBe(true);
    expect(seen).toEqual([1]); // 1 = NORMAL: the commit is an append to the WAL, not an fsync
    store.transaction(() => seen.push(synchronous()));
    expect(seen).toEqual([1, 2]); // 2 = FULL for settings
    expect(synchronous()).toBe(1);
    store.close();
    const reopened = openStore({ dataDir, userId: 'user-sam' });
    defer(() => reopened.close());
    expect(reopened.events.lastSeq()).toBe(2);
    expect(reopened.meta.get('usage.newestPeriod')).toBe('p-1');
  });

  it('rolls back the whole batch, cursor included, when it throws', () => {
    const { store } = freshStore();
    store.events.recordDecision(callEvent(1), popupDecision('event-1'), 100);
    expect(() =>
      store.eventTransaction(() => {
        store.events.recordDecision(callEvent(2), popupDecision('event-2'), 101);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.events.lastSeq()).toBe(1);
    expect(store.events.has('event-2')).toBe(false);
  });

  it('moves the cursor with the batch: others see it at the commit', () => {
    const { store, dataDir } = freshStore();
    const other = openStore(store.path);
    defer(() => other.close());
    store.eventTransaction(() => {
      store.events.recordDecision(callEvent(5), popupDecision('event-5'), 100);
      store.events.recordDecision(callEvent(3), popupDecision('event-3'), 101);
      // Reads inside the batch see the highest seq recorded so far; others see the last commit.
      expect(store.events.lastSeq()).toBe(5);
      expect(other.events.lastSeq()).toBe(0);
      expect(store.events.lastSeq()).toBe(5);
    });
    expect(other.events.lastSeq()).toBe(5);
    store.close();
    const reopened = openStore({ dataDir, userId: 'user-sam' });
    defer(() => reopened.close());
    expect(reopened.events.lastSeq()).toBe(5);
  });

  it('writes pop-up marks together at the end of the microtask run, visible to reads at once', async () => {
    const { store } = freshStore();
    for (const seq of [1, 2, 3]) {
      store.events.recordDecision(callEvent(seq), popupDecision(`event-${seq}`), 100 + seq);
    }
    const other = openStore(store.path);
    defer(() => other.close());
    store.events.markNotified('event-1', 200, shown);
    store.events.markNotified('event-2', 200, shown);
    // Another connection sees nothing yet; this one's reads see the marks.
    expect(other.events.pendingNotifications()).toHaveLength(3);
    expect(store.events.pendingNotifications().map((item) => item.event.id)).toEqual(['event-3']);
    store.events.markNotified('event-3', 201, shown);
    await new Promise((resolve) => setImmediate(resolve));
    expect(other.events.pendingNotifications()).toEqual([]);
  });

  it('writes held marks at once on flushMarks (before the next pop-up goes out)', () => {
    const { store } = freshStore();
    store.events.recordDecision(callEvent(1), popupDecision('event-1'), 100);
    const other = openStore(store.path);
    defer(() => other.close());
    store.events.markNotified('event-1', 200, shown);
    expect(other.events.pendingNotifications()).toHaveLength(1);
    store.events.flushMarks();
    expect(other.events.pendingNotifications()).toEqual([]);
  });

  it('joins a mark made inside a transaction to it: rolled back with it', () => {
    const { store } = freshStore();
    store.events.recordDecision(callEvent(1), popupDecision('event-1'), 100);
    expect(() =>
      store.eventTransaction(() => {
        store.events.markNotified('event-1', 200, shown);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.events.pendingNotifications()).toHaveLength(1);
  });

  it('writes marks still held when the store closes', () => {
    const { store, dataDir } = freshStore();
    store.events.recordDecision(callEvent(1), popupDecision('event-1'), 100);
    store.events.markNotified('event-1', 200, shown);
    store.close();
    const reopened = openStore({ dataDir, userId: 'user-sam' });
    defer(() => reopened.close());
    expect(reopened.events.pendingNotifications()).toEqual([]);
  });
});

describe('in-app notifications and reminder states', () => {
  it('lists newest first and counts unread', () => {
    const { store } = freshStore();
    for (const index of [1, 2, 3]) {
      store.notifications.add({
        id: `n-${index}`,
        eventId: `event-${index}`,
        title: `Title ${index}`,
        body: 'Body',
        createdAt: index,
        read: false,
        quietReason: index === 2 ? 'Muted' : null,
      });
    }
    expect(store.notifications.list(2).map((item) => item.id)).toEqual(['n-3', 'n-2']);
    expect(store.notifications.markRead(['n-1', 'n-2', 'n-1', 'missing'])).toBe(2);
    expect(store.notifications.unreadCount()).toBe(1);
    expect(store.notifications.list(3)[1]).toMatchObject({ read: true, quietReason: 'Muted' });
  });

  it('rewrites a listed item in place (a missed call) and keeps its read mark', () => {
    const { store } = freshStore();
    const item = {
      id: 'event-1',
      eventId: 'event-1',
      title: 'Incoming call',
      body: 'Ann',
      createdAt: 1,
      read: false,
      quietReason: null,
    };
    store.notifications.add(item);
    store.notifications.markRead(['event-1']);
    store.notifications.add({ ...item, title: 'Ignored: the id is listed' });
    store.notifications.put({ ...item, title: 'Missed call' });
    store.notifications.put({ ...item, id: 'event-2', eventId: 'event-2', title: 'Missed call' });
    expect(
      store.notifications.list(10).map((entry) => [entry.id, entry.title, entry.read]),
    ).toEqual([
      ['event-2', 'Missed call', false],
      ['event-1', 'Missed call', true],
    ]);
  });

  it('updates what a listed item says (a call answered elsewhere), unread again, in a batch', () => {
    const { store } = freshStore();
    const item = {
      id: 'event-1',
      eventId: 'event-1',
      title: 'Incoming call',
      body: 'Ann',
      createdAt: 1,
      read: false,
      quietReason: 'Line muted',
    };
    store.notifications.add(item);
    store.notifications.markRead(['event-1']);
    // A batch that rolls back leaves the item as it was.
    expect(() =>
      store.eventTransaction(() => {
        store.notifications.update('event-1', { title: 'Answered by Taylor', body: 'Ann' });
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(store.notifications.list(1)[0]?.title).toBe('Incoming call');
    store.eventTransaction(() =>
      store.notifications.update('event-1', { title: 'Answered by Taylor', body: 'Ann · Desk' }),
    );
    expect(store.notifications.update('unknown', { title: 'x', body: 'y' })).toBe(false);
    expect(store.notifications.list(1)[0]).toMatchObject({
      title: 'Answered by Taylor',
      body: 'Ann · Desk',
      read: false,
      quietReason: 'Line muted',
    });
    store.notifications.update('event-1', { title: 'Missed call', body: 'Ann', quietReason: null });
    expect(store.notifications.list(1)[0]?.quietReason).toBeNull();
  });

  it("reads a call's events from the store by call id, in the order recorded", () => {
    const { store } = freshStore();
    const ringing = callEvent(1);
    store.events.recordDecision(ringing, popupDecision(ringing.id), 1);
    for (let seq = 2; seq < 3_002; seq++) {
      store.events.recordDecision(callEvent(seq), popupDecision(`event-${seq}`), seq);
    }
    const answered = {
      ...callEvent(3_002),
      id: 'answer-1',
      callId: 'call-1',
      state: 'answered' as const,
    };
    store.events.recordDecision(answered, popupDecision(answered.id), 3_002);
    expect(store.events.callEvents('call-1').map((event) => [event.id, event.state])).toEqual([
      ['event-1', 'ringing'],
      ['answer-1', 'answered'],
    ]);
    expect(store.events.callEvents('call-unknown')).toEqual([]);
  });

  it('keeps reminder states by appointment with when they wake, forgetting a null state', () => {
    const { store } = freshStore();
    store.reminderStates.put('appointment-2', { plan: 2 }, 900);
    store.reminderStates.put('appointment-1', { plan: 1 }, 500);
    store.reminderStates.put('appointment-3', { plan: 3 }, null);
    expect(store.reminderStates.nextWakeAfter(0)).toBe(500);
    expect(store.reminderStates.nextWakeAfter(500)).toBe(900);
    expect(store.reminderStates.dueBy(900).map((entry) => entry.appointmentId)).toEqual([
      'appointment-1',
      'appointment-2',
    ]);
    store.reminderStates.put('appointment-1', null, null);
    expect(store.reminderStates.get('appointment-1')).toBeNull();
    expect(store.reminderStates.get('appointment-2')).toEqual({
      appointmentId: 'appointment-2',
      state: { plan: 2 },
      wakeAt: 900,
    });
  });
});

describe('preferences cache, outbox, history', () => {
  it('stores server and local copies with versions, and treats an unreadable row as absent', () => {
    const { store } = freshStore();
    expect(store.preferences.serverPreferences()).toBeNull();
    const preferences = defaultUserPreferences('Europe/Paris');
    store.preferences.setServerPreferences({ version: 4, document: preferences });
    store.preferences.setLocalPreferences({ ...preferences, fisherMode: true });
    store.preferences.setServerBusinessDefaults({
      version: 2,
      document: defaultBusinessDefaults(),
    });
    expect(store.preferences.serverPreferences()).toEqual({ version: 4, document: preferences });
    expect(store.preferences.localPreferences()?.fisherMode).toBe(true);
    expect(store.preferences.serverBusinessDefaults()?.version).toBe(2);
    expect(() =>
      store.preferences.setLocalPreferences({ ...preferences, leadScoreThreshold: 500 }),
    ).toThrow();
    // Another connection to the same file, as an older or newer build would write it.
    const other = openDatabase(store.path);
    defer(() => other.close());
    other
      .prepare("UPDATE documents SET body = '{\"broken\":1}' WHERE name = 'preferences.local'")
      .run();
    expect(store.preferences.localPreferences()).toBeNull();
  });

  it('keeps the outbox in order, removes idempotently, and merges only into the first entry', () => {
    const { store } = freshStore();
    const base = { document: 'preferences' as const, baseVersion: 1, createdAt: 5 };
    const first = store.outbox.enqueue({
      ...base,
      idempotencyKey: 'k1',
      changes: { fisherMode: true },
    });
    const second = store.outbox.enqueue({
      ...base,
      idempotencyKey: 'k2',
      changes: { leadScoreThreshold: 70 },
    });
    const third = store.outbox.enqueue({
      ...base,
      idempotencyKey: 'k3',
      changes: { fisherMode: false },
    });
    expect(store.outbox.pending().map((entry) => entry.idempotencyKey)).toEqual(['k1', 'k2', 'k3']);
    expect(store.outbox.markAttempt(first.id)?.attempts).toBe(1);
    const merged = store.outbox.merge(
      [third.id, second.id],
      { leadScoreThreshold: 70, fisherMode: false },
      'k4',
    );
    expect(merged).toMatchObject({ id: second.id, idempotencyKey: 'k4', attempts: 0 });
    expect(store.outbox.pending().map((entry) => entry.id)).toEqual([first.id, second.id]);
    store.outbox.remove(first.id);
    store.outbox.remove(first.id);
    expect(store.outbox.count()).toBe(1);
    expect(() => store.outbox.enqueue({ ...base, idempotencyKey: 'k4', changes: {} })).toThrow(
      /UNIQUE/,
    );
  });

  it('records history newest first with JSON values', () => {
    const { store } = freshStore();
    store.history.add([
      {
        at: 1,
        field: 'channels.email.address',
        oldValue: null,
        newValue: 'sam@example.com',
        by: 'user-sam',
        deviceId: 'd1',
        origin: 'local',
        note: null,
      },
      {
        at: 2,
        field: 'lines.otherLineIds',
        oldValue: [],
        newValue: ['line-2'],
        by: 'user-sam',
        deviceId: null,
        origin: 'server',
        note: 'conflict: server kept',
      },
    ]);
    expect(store.history.recent(5)).toEqual([
      {
        at: 2,
        field: 'lines.otherLineIds',
        oldValue: [],
        newValue: ['line-2'],
        by: 'user-sam',
        deviceId: null,
        origin: 'server',
        note: 'conflict: server kept',
      },
      {
        at: 1,
        field: 'channels.email.address',
        oldValue: null,
        newValue: 'sam@example.com',
        by: 'user-sam',
        deviceId: 'd1',
        origin: 'local',
        note: null,
      },
    ]);
  });

  it('rolls back every write of a failed transaction', () => {
    const { store } = freshStore();
    expect(() =>
      store.transaction(() => {
        store.meta.set('a', '1');
        store.outbox.enqueue({
          idempotencyKey: 'k',
          document: 'preferences',
          changes: {},
          baseVersion: 1,
          createdAt: 1,
        });
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.meta.get('a')).toBeNull();
    expect(store.outbox.count()).toBe(0);
  });
});
