import { EventBatches } from '../event-batch';
import { afterEach, describe, expect, it } from 'vitest';
import { decide, type AlertEvent, type AlertType } from '../../../common';
import { DeliveryEngine, systemDoNotDisturbReason } from './delivery-engine';
import { createEventDescriber } from './describe';
import { ManualClock } from '../../../test/support/manual-clock';
import { createRecordingLogger } from '../../../test/support/recording-logger';
import { RecordingNotifier } from '../../../test/support/recording-notifier';
import {
  agentContext,
  callEvent,
  lineName,
  personalLine,
  temporaryStore,
  textEvent,
} from '../../../test/support/delivery-scenario';

/**
 * Delivery and the desktop it pops up on: a notifier that goes away and comes back (a daemon
 * that appears later), and the desktop's own do-not-disturb.
 */

const stores: Array<ReturnType<typeof temporaryStore>> = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.remove();
});

function setup(breakThrough: readonly AlertType[] = ['callPersonal']) {
  const clock = new ManualClock();
  const handle = temporaryStore();
  stores.push(handle);
  const { store } = handle;
  const notifier = new RecordingNotifier();
  const logger = createRecordingLogger();
  const engine = new DeliveryEngine({
    clock,
    notifier,
    logger,
    batches: new EventBatches({ store, notifier, logger }),
    notifications: store.notifications,
    events: store.events,
    describer: createEventDescriber({ lineName, timeZone: () => 'America/New_York' }),
    breakThrough: () => breakThrough,
  });
  const process = (event: AlertEvent) => {
    const decision = decide(event, agentContext(clock));
    store.events.recordDecision(event, decision, clock.now());
    engine.deliver(event, decision);
  };
  const item = (id: string) => store.notifications.list(10_000).find((entry) => entry.id === id);
  const healthItems = () =>
    store.notifications
      .list(10_000)
      .filter((entry) => entry.title === 'Desktop pop-ups are unavailable');
  return { clock, store, notifier, engine, process, item, healthItems };
}

describe('DeliveryEngine follows the notifier’s availability', () => {
  it('says once that pop-ups went away, lists alerts meanwhile, and pops the first alert after they return', async () => {
    const { clock, store, notifier, engine, process, item, healthItems } = setup();
    await engine.start();
    expect(engine.health.get()).toEqual([]);

    notifier.available = { available: false, reason: 'the notification daemon left the bus' };
    notifier.available = { available: false, reason: 'the notification daemon left the bus' };
    expect(engine.health.get()).toEqual([
      {
        code: 'notifierUnavailable',
        message:
          'Desktop pop-ups are unavailable: the notification daemon left the bus. Alerts still appear in the in-app list.',
      },
    ]);
    expect(healthItems()).toHaveLength(1);
    const meanwhile = textEvent(clock, { body: 'while no daemon' });
    process(meanwhile);
    await engine.flush();
    expect(notifier.shown).toEqual([]);
    expect(item(meanwhile.id)?.title).toBe('New text on Support Line');
    expect(store.events.pendingNotifications()).toEqual([]);

    notifier.available = { available: true };
    expect(engine.health.get()).toEqual([]);
    clock.advance(5_000);
    const after = textEvent(clock, { body: 'the daemon is back' });
    process(after);
    await engine.flush();
    expect(notifier.shown.map((popup) => popup.itemId)).toEqual([after.id]);
  });
});

describe('DeliveryEngine while pop-ups cannot show', () => {
  it('records and settles each alert of a group once, however often the group changes; the group shows anew when they return', async () => {
    const { clock, store, notifier, engine, process } = setup();
    await engine.start();
    const settled: string[] = [];
    engine.onSettled((deliveries) => settled.push(...deliveries.map((entry) => entry.eventId)));
    notifier.available = { available: false, reason: 'no notification daemon' };
    const texts = [1, 2, 3].map((index) => {
      const text = textEvent(clock, { body: `while none ${index}` });
      process(text);
      clock.advance(300);
      return text;
    });
    // The group changed three times (a trailing update each 300 ms); no flush, which ends it.
    const ids = texts.map((text) => text.id);
    expect(settled.filter((id) => ids.includes(id))).toEqual(ids);
    expect(ids.map((id) => store.events.get(id)?.popup?.status)).toEqual([
      'failed',
      'failed',
      'failed',
    ]);

    notifier.available = { available: true };
    clock.advance(100);
    const after = textEvent(clock, { body: 'back' });
    process(after);
    clock.advance(300);
    await engine.flush();
    // In the texts' group still (within its window): one pop-up, the latest text and the count.
    expect(notifier.shown.map((popup) => popup.title)).toEqual(['4 new texts on Support Line']);
    expect(settled.filter((id) => ids.includes(id))).toEqual(ids);
    expect(store.events.get(after.id)?.popup?.status).toBe('shown');
    expect(ids.map((id) => store.events.get(id)?.popup?.status)).toEqual([
      'failed',
      'failed',
      'failed',
    ]);
  });
});

describe('DeliveryEngine and the system do-not-disturb', () => {
  it('holds pop-ups while it is on: listed with the reason, marked notified; resumed, the next pops', async () => {
    const { clock, store, notifier, engine, process, item } = setup();
    await engine.start();
    notifier.setSystemDoNotDisturb({ on: true, source: 'dunst is paused' });
    const held = textEvent(clock, { body: 'during do-not-disturb' });
    const ringGroupCall = callEvent(clock);
    process(held);
    process(ringGroupCall);
    await engine.flush();
    expect(notifier.shown).toEqual([]);
    expect(item(held.id)?.quietReason).toBe(systemDoNotDisturbReason);
    // A ring-group call is not among the types this person lets through.
    expect(item(ringGroupCall.id)?.quietReason).toBe(systemDoNotDisturbReason);
    expect(store.events.pendingNotifications()).toEqual([]);

    notifier.setSystemDoNotDisturb({ on: false, source: null });
    clock.advance(5_000);
    const after = textEvent(clock, { body: 'after' });
    process(after);
    await engine.flush();
    expect(notifier.shown.map((popup) => popup.itemId)).toEqual([after.id]);
  });

  it('still rings a call the person lets break through quiet hours', async () => {
    const { clock, notifier, engine, process, item } = setup(['callPersonal']);
    await engine.start();
    notifier.setSystemDoNotDisturb({ on: true, source: 'dunst is paused' });
    const personal = callEvent(clock, { lineId: personalLine.id });
    process(personal);
    await engine.flush();
    expect(notifier.shown.map((popup) => popup.itemId)).toEqual([personal.id]);
    expect(item(personal.id)?.quietReason ?? null).toBeNull();
  });
});
