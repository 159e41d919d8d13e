import { afterEach, describe, expect, it } from 'vitest';
import { decide, type AlertEvent } from '../../../common';
import type { PopupContent } from '../ports';
import { longestRingMilliseconds } from './call-life';
import { PopupBoard } from './popup-board';
import { ManualClock } from '../../../test/support/manual-clock';
import { RecordingNotifier } from '../../../test/support/recording-notifier';
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

function engineSetup() {
  const clock = new ManualClock();
  const handle = temporaryStore();
  stores.push(handle);
  const { store } = handle;
  const { engine, notifier } = engineOver(store, clock);
  const process = (event: AlertEvent) => {
    const decision = decide(event, agentContext(clock));
    store.events.recordDecision(event, decision, clock.now());
    engine.deliver(event, decision);
  };
  return { clock, notifier, engine, process };
}

const content = (itemId: string, expiry: PopupContent['expiry']): PopupContent => ({
  itemId,
  title: 'Incoming call',
  body: 'Ann Lee',
  ...(expiry ? { expiry } : {}),
});

describe('the pop-ups kept in memory are bounded', () => {
  it('a ringing pop-up whose stop never comes becomes a missed call after the longest ring, and a late stop changes nothing', async () => {
    const { clock, notifier, engine, process } = engineSetup();
    const lost = callEvent(clock, { callId: 'lost-stop' });
    process(lost);
    await engine.flush();
    clock.advance(longestRingMilliseconds - 1_000);
    // Another call rings meanwhile: it rings out later, on its own time.
    const later = callEvent(clock, { callId: 'rings-later' });
    process(later);
    await engine.flush();
    expect(notifier.onScreen.map((popup) => popup.expiry)).toEqual(['never', 'never']);

    clock.advance(1_000);
    await engine.flush();
    expect(notifier.replaced.map(({ content: { title, itemId } }) => [itemId, title])).toEqual([
      [lost.id, 'Missed call from Ann Lee'],
    ]);
    // The stop arrives after all: its pop-up was already forgotten, nothing more happens to it.
    process(callEvent(clock, { callId: 'lost-stop', state: 'answered' }));
    await engine.flush();
    expect(notifier.closed).toEqual([]);
    expect(notifier.replaced).toHaveLength(1);

    clock.advance(longestRingMilliseconds);
    await engine.flush();
    expect(notifier.onScreen.map((popup) => [popup.itemId, popup.title])).toEqual([
      [lost.id, 'Missed call from Ann Lee'],
      [later.id, 'Missed call from Ann Lee'],
    ]);
  });

  it('keeps a ringing pop-up only until its stop or the longest ring: a thousand calls whose stops are lost leave nothing', async () => {
    const clock = new ManualClock();
    const notifier = new RecordingNotifier();
    const board = new PopupBoard(notifier, () => undefined, {
      clock,
      rangOut: (call) => content(call.id, 'default'),
    });
    const firstRang = clock.now();
    for (let index = 0; index < 1_000; index++) {
      const call = callEvent(clock, { callId: `call-${index}` });
      board.show(`call-${index}`, content(call.id, 'never'), [call]);
      clock.advance(100);
    }
    await board.settled();
    expect(board.size).toBe(1_000);
    board.stop('call-0', null);
    expect(board.size).toBe(999);
    // The first 500 rang 100 ms apart: those rang out (call-0 had stopped), the rest ring on.
    clock.advanceTo(firstRang + longestRingMilliseconds + 499 * 100);
    await board.settled();
    expect(board.size).toBe(500);
    expect(notifier.replaced).toHaveLength(499);
    clock.advance(longestRingMilliseconds);
    await board.settled();
    expect(board.size).toBe(0);
    expect(notifier.closed).toHaveLength(1);
    expect(notifier.replaced).toHaveLength(999);
    expect(notifier.onScreen.every((popup) => popup.expiry === 'default')).toBe(true);
  });

  it('a call rung since before this start rings out on its own time, pop-up or not, unless it stopped first', async () => {
    const clock = new ManualClock();
    const notifier = new RecordingNotifier();
    const rangOut: string[] = [];
    const board = new PopupBoard(notifier, () => undefined, {
      clock,
      rangOut: (call) => {
        rangOut.push(call.callId);
        return content(call.id, 'default');
      },
    });
    const rang = clock.now() - 60_000;
    board.ringsSince('early', callEvent(clock, { callId: 'early' }), rang);
    board.ringsSince('stopped', callEvent(clock, { callId: 'stopped' }), rang);
    board.stop('stopped', null);
    clock.advanceTo(rang + longestRingMilliseconds - 1);
    expect(rangOut).toEqual([]);
    clock.advance(1);
    await board.settled();
    expect(rangOut).toEqual(['early']);
    expect(notifier.replaced).toEqual([]);
  });
});
