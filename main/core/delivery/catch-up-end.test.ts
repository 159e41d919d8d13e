import { afterEach, describe, expect, it } from 'vitest';
import { decide, type AlertEvent } from '../../../common';
import { EventBatches } from '../event-batch';
import { DeliveryEngine, type SettledDelivery } from './delivery-engine';
import { createEventDescriber } from './describe';
import { ManualClock } from '../../../test/support/manual-clock';
import { createRecordingLogger } from '../../../test/support/recording-logger';
import { RecordingNotifier } from '../../../test/support/recording-notifier';
import {
  agentContext,
  callEvent,
  lineName,
  temporaryStore,
  textEvent,
} from '../../../test/support/delivery-scenario';

const stores: Array<ReturnType<typeof temporaryStore>> = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.remove();
});

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The session's wiring: pop-ups through the event batches (rules 2 and 4), a real store. */
function setup() {
  const clock = new ManualClock();
  const handle = temporaryStore();
  stores.push(handle);
  const { store } = handle;
  const notifier = new RecordingNotifier();
  const logger = createRecordingLogger();
  const batches = new EventBatches({ store, notifier, logger });
  const engine = new DeliveryEngine({
    clock,
    notifier: batches.notifier,
    logger,
    notifications: store.notifications,
    events: store.events,
    describer: createEventDescriber({ lineName }),
    batches,
  });
  const settled: SettledDelivery[] = [];
  engine.onSettled((deliveries) => settled.push(...deliveries));
  const process = (events: readonly AlertEvent[]) =>
    batches.run(() => {
      for (const event of events) {
        const decision = decide(event, agentContext(clock));
        store.events.recordDecision(event, decision, clock.now());
        engine.deliver(event, decision);
      }
    });
  return { clock, store, notifier, engine, process, settled };
}

describe('the end of a long catch-up, in slices', () => {
  it('gives the event loop back while it releases, marks and settles 12,000 held texts; each settled once, one pop-up', async () => {
    const { clock, store, notifier, engine, process, settled } = setup();
    engine.beginCatchUp();
    const texts = Array.from({ length: 12_000 }, (_, index) =>
      textEvent(clock, { from: `+1415555${String(1000 + (index % 900)).padStart(4, '0')}` }),
    );
    for (let start = 0; start < texts.length; start += 200)
      process(texts.slice(start, start + 200));
    expect(settled).toEqual([]);
    engine.endCatchUp();
    // Returned before the backlog was through: other work runs between its slices.
    let turns = 0;
    while (settled.length < texts.length) {
      await turn();
      turns += 1;
      if (turns > 10_000) throw new Error(`stuck at ${settled.length} settled`);
    }
    expect(turns).toBeGreaterThan(2);
    expect(new Set(settled.map(({ eventId }) => eventId)).size).toBe(texts.length);
    expect(settled.every(({ popup }) => popup?.status === 'shown')).toBe(true);
    expect(notifier.shown).toHaveLength(1);
    expect(notifier.shown[0]?.title).toBe('12000 new texts on Support Line');
    expect(store.events.pendingNotifications()).toEqual([]);
    await engine.flush();
    expect(settled).toHaveLength(texts.length);
  });

  it('a ringing call held in the backlog that stops while the backlog is still being released never rings', async () => {
    const { clock, store, notifier, engine, process, settled } = setup();
    engine.beginCatchUp();
    for (let start = 0; start < 6_000; start += 200)
      process(Array.from({ length: 200 }, () => textEvent(clock)));
    const ringing = callEvent(clock);
    process([ringing]);
    engine.endCatchUp();
    // The first slice is out, the call's turn has not come: it is answered now.
    process([callEvent(clock, { callId: ringing.callId, state: 'answered' })]);
    await engine.flush();
    expect(notifier.shown.filter((content) => content.itemId === ringing.id)).toEqual([]);
    expect(settled.find(({ eventId }) => eventId === ringing.id)?.popup?.status).toBe('withdrawn');
    expect(store.events.pendingNotifications()).toEqual([]);
  });
});
