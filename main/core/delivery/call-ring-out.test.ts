import { afterEach, describe, expect, it } from 'vitest';
import { decide, type EventOfKind } from '../../../common';
import type { Store } from '../store/repositories';
import { longestRingMilliseconds } from './call-life';
import { ManualClock } from '../../../test/support/manual-clock';
import {
  agentContext,
  callEvent,
  engineOver,
  temporaryStore,
} from '../../../test/support/delivery-scenario';

const stores: Array<ReturnType<typeof temporaryStore>> = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.remove();
});

/** What a kill leaves after a ringing call's batch committed, before its pop-up was handed off. */
function decidedNotShown(store: Store, clock: ManualClock, call: EventOfKind<'call'>): void {
  const decision = decide(call, agentContext(clock));
  expect(decision.deliveries.map((entry) => entry.channel)).toContain('desktop');
  store.eventTransaction(() => {
    store.events.recordDecision(call, decision, clock.now());
    store.notifications.add({
      id: call.id,
      eventId: call.id,
      title: 'Incoming call on Support Line',
      body: 'Ann Lee',
      createdAt: clock.now(),
      read: false,
      quietReason: null,
      kind: 'call',
    });
  });
}

describe('calls the store still has ringing when the companion starts', () => {
  it('past the longest ring: the item says missed and the owed pop-up is withdrawn, not raised ringing; younger ones and stopped ones are left as they are', async () => {
    const clock = new ManualClock();
    const handle = temporaryStore();
    stores.push(handle);
    const old = callEvent(clock, { callId: 'rang-long-ago' });
    decidedNotShown(handle.store, clock, old);
    const stopped = callEvent(clock, { callId: 'stopped' });
    decidedNotShown(handle.store, clock, stopped);
    handle.store.events.recordDecision(
      callEvent(clock, { callId: 'stopped', state: 'missed' }),
      decide(callEvent(clock, { callId: 'stopped', state: 'missed' }), agentContext(clock)),
      clock.now(),
    );
    clock.advance(longestRingMilliseconds);
    const young = callEvent(clock, { callId: 'rang-just-now' });
    decidedNotShown(handle.store, clock, young);
    clock.advance(1);

    const store = handle.reopen();
    const { engine, notifier, batches } = engineOver(store, clock);
    await engine.start();
    // As a session starts: calls left ringing first, then the pop-ups still owed.
    engine.ringOutLeftovers(store.meta);
    const titles = () => new Map(store.notifications.list(10).map((item) => [item.id, item.title]));
    expect(titles().get(old.id)).toBe('Missed call from Ann Lee');
    expect(titles().get(young.id)).toBe('Incoming call on Support Line');
    expect(titles().get(stopped.id)).toBe('Incoming call on Support Line');
    expect(store.events.get(old.id)?.popup).toEqual({
      status: 'withdrawn',
      reason: 'The call rang out before it could pop up',
    });
    const owed = store.events.pendingNotifications();
    expect(owed.map(({ event }) => event.id)).toEqual([stopped.id, young.id]);
    batches.run(() => {
      for (const { event, decision } of owed) engine.deliver(event, decision);
    });
    await engine.flush();
    expect(notifier.onScreen.map((popup) => [popup.itemId, popup.expiry])).toEqual([
      [young.id, 'never'],
    ]);

    // The young call rings out when it has rung the longest ring since it began, not since now.
    clock.advance(longestRingMilliseconds - 2);
    await engine.flush();
    expect(titles().get(young.id)).toBe('Incoming call on Support Line');
    clock.advance(1);
    await engine.flush();
    expect(titles().get(young.id)).toBe('Missed call from Ann Lee');
    expect(notifier.onScreen.map((popup) => [popup.itemId, popup.title])).toEqual([
      [young.id, 'Missed call from Ann Lee'],
    ]);
    engine.stop();

    // Started again later: nothing changes a second time (the item read stays read).
    store.notifications.markRead([old.id, young.id]);
    const again = engineOver(handle.reopen(), clock);
    await again.engine.start();
    again.engine.ringOutLeftovers(handle.store.meta);
    expect(handle.store.notifications.unreadCount()).toBe(1);
    expect(handle.store.notifications.list(10).filter((item) => item.read)).toHaveLength(2);
    again.engine.stop();
  });
});
