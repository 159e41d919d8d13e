import { describe, expect, it } from 'vitest';
import type { Decision, ServiceEvent } from '../../../common';
import { openStore, type Store } from './index';
import { marksPerTurn, mostMarksPerTurn } from './repositories/processed-events';
import { cleanupAfterEach } from '../../../test/support/cleanups';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-marks-in-turns-');
const shown = { status: 'shown' } as const;

function textEvent(seq: number): ServiceEvent {
  return {
    id: `event-${seq}`,
    seq,
    userId: 'user-sam',
    occurredAt: '2026-11-22T10:00:00Z',
    kind: 'text',
    lineId: 'line-1',
    from: '+15550100',
    contactName: null,
    body: `Text ${seq}`,
  };
}

function popupDecision(eventId: string): Decision {
  return {
    eventId,
    alertType: 'textPersonal',
    lineId: 'line-1',
    deliveries: [{ channel: 'desktop', destination: null }],
    suppressed: [],
  };
}

/** A store holding `count` events that owe a pop-up, and their ids. */
function storeWithBacklog(count: number): { store: Store; ids: string[] } {
  const store = openStore({ dataDir: temporaryFolder(), userId: 'user-sam' });
  defer(() => store.close());
  const ids: string[] = [];
  store.eventTransaction(() => {
    for (let seq = 1; seq <= count; seq += 1) {
      store.events.recordDecision(textEvent(seq), popupDecision(`event-${seq}`), 100);
      ids.push(`event-${seq}`);
    }
  });
  return { store, ids };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('marks of one large pop-up, written in turns (the end of a long catch-up)', () => {
  it('writes a slice per turn of the event loop, each heard once on disk, in order', async () => {
    // More than the first turn and the most of a later one: at least three turns, however fast.
    const count = marksPerTurn + mostMarksPerTurn + 10;
    const { store, ids } = storeWithBacklog(count);
    const other = openStore(store.path);
    defer(() => other.close());
    const heard: string[][] = [];
    store.events.markNotifiedInTurns(ids, 200, shown, (written) => {
      expect(written).not.toBeNull();
      // What is heard is on disk: another connection reads it as marked.
      const pending = new Set(other.events.pendingNotifications().map(({ event }) => event.id));
      for (const id of written ?? []) expect(pending.has(id)).toBe(false);
      heard.push([...(written ?? [])]);
    });
    // Nothing is written in the call itself: the loop is not held.
    expect(store.events.writingMarks).toBe(true);
    expect(other.events.pendingNotifications()).toHaveLength(count);
    await turn();
    expect(heard.map((slice) => slice.length)).toEqual([marksPerTurn]);
    expect(other.events.pendingNotifications()).toHaveLength(count - marksPerTurn);
    while (store.events.writingMarks) await turn();
    // Later turns write what fits a few milliseconds at the pace measured: more than one turn.
    expect(heard.length).toBeGreaterThan(2);
    expect(heard.flat()).toEqual(ids);
    expect(other.events.pendingNotifications()).toEqual([]);
    expect(store.events.get('event-1')?.popup).toEqual(shown);
  });

  it('writes what is left at once on flushMarks (a read of marks, before close), heard once', async () => {
    const { store, ids } = storeWithBacklog(marksPerTurn * 3);
    const heard: string[] = [];
    store.events.markNotifiedInTurns(ids, 200, shown, (written) => heard.push(...(written ?? [])));
    await turn();
    expect(store.events.pendingNotifications()).toEqual([]);
    expect(store.events.writingMarks).toBe(false);
    expect(heard).toEqual(ids);
    await turn();
    expect(heard).toEqual(ids);
  });

  it('a kill in the middle leaves the rest unmarked: raised again at the next start, none twice', async () => {
    const { store, ids } = storeWithBacklog(marksPerTurn * 2);
    store.events.markNotifiedInTurns(ids, 200, shown, () => undefined);
    await turn();
    // What a kill -9 leaves: the first slice on disk, the rest never written.
    const reopened = openStore(store.path);
    defer(() => reopened.close());
    const again = reopened.events.pendingNotifications().map(({ event }) => event.id);
    expect(again).toEqual(ids.slice(marksPerTurn));
  });

  it("reads back as each event's own mark: get, getMany, recent; a later mark of its own wins", () => {
    const { store, ids } = storeWithBacklog(marksPerTurn + 10);
    store.events.markNotifiedInTurns(ids, 200, shown, () => undefined);
    store.events.flushMarks();
    const failed = { status: 'failed', reason: 'The daemon went away' } as const;
    store.events.markNotified('event-2', 300, failed);
    store.events.flushMarks();
    expect(store.events.get('event-1')).toMatchObject({ popup: shown, notified: true });
    expect(store.events.get('event-2')).toMatchObject({ popup: failed, notified: true });
    const many = store.events.getMany(ids);
    expect([...many.values()].filter((recorded) => !recorded.notified)).toEqual([]);
    expect(many.get(ids.at(-1) ?? '')?.popup).toEqual(shown);
    expect(store.events.recent(3).map((recorded) => recorded.popup)).toEqual([shown, shown, shown]);
    // An id never recorded is not marked (as an UPDATE of no row marks nothing).
    store.events.markNotifiedInTurns(['event-none', ...ids], 400, shown, () => undefined);
    store.events.flushMarks();
    expect(store.events.get('event-none')).toBeNull();
    expect(store.events.pendingNotifications()).toEqual([]);
  });

  it('inside a transaction joins it: every id heard at once, rolled back with it', () => {
    const { store, ids } = storeWithBacklog(10);
    const heard: string[] = [];
    expect(() =>
      store.eventTransaction(() => {
        store.events.markNotifiedInTurns(ids, 200, shown, (written) =>
          heard.push(...(written ?? [])),
        );
        expect(heard).toEqual(ids);
        throw new Error('the batch fails');
      }),
    ).toThrow('the batch fails');
    expect(store.events.pendingNotifications()).toHaveLength(10);
  });
});
