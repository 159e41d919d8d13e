import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  defaultBusinessDefaults,
  defaultUserPreferences,
  type Decision,
  type ServiceEvent,
} from '../../../common';
import { openDatabase } from './database';
import { migrate, openStore, storePathFor, type Store } from './index';
import { SqliteStore } from './sqlite-store';
import { cleanupAfterEach } from '../../../test/support/cleanups';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-store-');
function freshStore(): { store: Store; dataDir: string } {
  const dataDir = temporaryFolder();
  const store = openStore({ dataDir, userId: 'user-sam' });
  defer(() => store.close());
  return { store, dataDir };
}

function callEvent(seq: number): ServiceEvent {
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

    store.events.markNotified('event-1', 200);
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

  it('records several in one transaction with the same duplicate rule, all or nothing', () => {
    const { store } = freshStore();
    const burst = [1, 2, 2, 5].map((seq) => ({
      event: callEvent(seq),
      decision: popupDecision(`event-${seq}`),
      decidedAt: seq,
    }));
    expect(store.events.recordDecisions(burst)).toEqual([true, true, false, true]);
    expect(store.events.lastSeq()).toBe(5);
    expect(store.events.recent(10)).toHaveLength(3);
    expect(store.events.recordDecisions([])).toEqual([]);
    // An event and what it derived: when the second cannot be written, the first is not either.
    expect(() =>
      store.events.recordDecisions([
        { event: callEvent(6), decision: popupDecision('event-6'), decidedAt: 6 },
        // A value SQLite cannot bind: the second insert throws after the first went in.
        { event: callEvent(7), decision: popupDecision('event-7'), decidedAt: {} as number },
      ]),
    ).toThrow();
    expect(store.events.has('event-6')).toBe(false);
    expect(store.events.lastSeq()).toBe(5);
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

  it('moves the cursor with the batch: others see it at the commit; a failed nested burst takes its seqs back', () => {
    const { store, dataDir } = freshStore();
    const other = openStore(store.path);
    defer(() => other.close());
    store.eventTransaction(() => {
      store.events.recordDecision(callEvent(5), popupDecision('event-5'), 100);
      store.events.recordDecision(callEvent(3), popupDecision('event-3'), 101);
      // Reads inside the batch see the highest seq recorded so far; others see the last commit.
      expect(store.events.lastSeq()).toBe(5);
      expect(other.events.lastSeq()).toBe(0);
      // A burst that fails part-way is a savepoint: its inserts and cursor roll back together.
      expect(() =>
        store.events.recordDecisions([
          { event: callEvent(8), decision: popupDecision('event-8'), decidedAt: 102 },
          // A value SQLite cannot bind: the second insert throws after the first went in.
          { event: callEvent(9), decision: popupDecision('event-9'), decidedAt: {} as number },
        ]),
      ).toThrow();
      expect(store.events.lastSeq()).toBe(5);
    });
    expect(other.events.lastSeq()).toBe(5);
    expect(store.events.has('event-8')).toBe(false);
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
    store.events.markNotified('event-1', 200);
    store.events.markNotified('event-2', 200);
    // Another connection sees nothing yet; this one's reads see the marks.
    expect(other.events.pendingNotifications()).toHaveLength(3);
    expect(store.events.pendingNotifications().map((item) => item.event.id)).toEqual(['event-3']);
    store.events.markNotified('event-3', 201);
    await new Promise((resolve) => setImmediate(resolve));
    expect(other.events.pendingNotifications()).toEqual([]);
  });

  it('writes held marks at once on flushMarks (before the next pop-up goes out)', () => {
    const { store } = freshStore();
    store.events.recordDecision(callEvent(1), popupDecision('event-1'), 100);
    const other = openStore(store.path);
    defer(() => other.close());
    store.events.markNotified('event-1', 200);
    expect(other.events.pendingNotifications()).toHaveLength(1);
    store.events.flushMarks();
    expect(other.events.pendingNotifications()).toEqual([]);
  });

  it('joins a mark made inside a transaction to it: rolled back with it', () => {
    const { store } = freshStore();
    store.events.recordDecision(callEvent(1), popupDecision('event-1'), 100);
    expect(() =>
      store.eventTransaction(() => {
        store.events.markNotified('event-1', 200);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.events.pendingNotifications()).toHaveLength(1);
  });

  it('writes marks still held when the store closes', () => {
    const { store, dataDir } = freshStore();
    store.events.recordDecision(callEvent(1), popupDecision('event-1'), 100);
    store.events.markNotified('event-1', 200);
    store.close();
    const reopened = openStore({ dataDir, userId: 'user-sam' });
    defer(() => reopened.close());
    expect(reopened.events.pendingNotifications()).toEqual([]);
  });
});

describe('in-app notifications, reminders, usage alerts', () => {
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

  it('replaces an appointment’s reminders and lists pending ones earliest first', () => {
    const { store } = freshStore();
    const reminder = (offset: '1h' | '15m', dueAt: number) => ({
      id: `appointment-1:${offset}`,
      appointmentId: 'appointment-1',
      offset,
      dueAt,
      appointmentStartsAt: 10_000,
      appointmentEndsAt: 20_000,
      title: 'Demo',
      contactName: null,
      firedAt: null,
    });
    store.reminders.replaceForAppointment('appointment-1', [
      reminder('1h', 500),
      reminder('15m', 900),
    ]);
    store.reminders.replaceForAppointment('appointment-1', [
      reminder('15m', 300),
      reminder('1h', 100),
    ]);
    expect(store.reminders.pending().map((item) => [item.id, item.dueAt])).toEqual([
      ['appointment-1:1h', 100],
      ['appointment-1:15m', 300],
    ]);
    store.reminders.markFired(['appointment-1:1h'], 150);
    expect(store.reminders.pending().map((item) => item.id)).toEqual(['appointment-1:15m']);
    store.reminders.cancelAppointment('appointment-1');
    expect(store.reminders.pending()).toEqual([]);
  });

  it('remembers usage thresholds fired per period', () => {
    const { store } = freshStore();
    store.usageAlerts.markFired('2026-11', 90, 1);
    store.usageAlerts.markFired('2026-11', 75, 2);
    store.usageAlerts.markFired('2026-11', 75, 3);
    expect(store.usageAlerts.firedThresholds('2026-11')).toEqual([75, 90]);
    expect(store.usageAlerts.firedThresholds('2026-12')).toEqual([]);
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
