import { afterEach, describe, expect, it } from 'vitest';
import { decide, defaultUserPreferences, type AlertEvent } from '../../../common';
import { EventBatches } from '../event-batch';
import { DeliveryEngine } from './delivery-engine';
import { createEventDescriber } from './describe';
import { utf8ByteLength } from './sanitize';
import { ManualClock } from '../../../test/support/manual-clock';
import { createRecordingLogger } from '../../../test/support/recording-logger';
import { RecordingNotifier } from '../../../test/support/recording-notifier';
import {
  callEvent,
  lineName,
  agentContext,
  supportLine,
  temporaryStore,
  textEvent,
} from '../../../test/support/delivery-scenario';

const stores: Array<ReturnType<typeof temporaryStore>> = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.remove();
});

function setup(options: { preferences?: ReturnType<typeof defaultUserPreferences> } = {}) {
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
    notifications: store.notifications,
    events: store.events,
    describer: createEventDescriber({ lineName, timeZone: () => 'America/New_York' }),
    batches: new EventBatches({ store, notifier, logger }),
  });
  /** What the pipeline does: decide, record, deliver. */
  const process = (event: AlertEvent) => {
    const decision = decide(event, agentContext(clock, options.preferences));
    store.events.recordDecision(event, decision, clock.now());
    engine.deliver(event, decision);
    return decision;
  };
  const items = () => store.notifications.list(10_000);
  return { clock, store, notifier, logger, engine, process, items };
}

describe('DeliveryEngine', () => {
  it('pops up one text at once with a readable title and body, lists it and marks it notified', async () => {
    const { clock, store, notifier, engine, process, items } = setup();
    const event = textEvent(clock, { body: 'Is my order \u202Eready?' });
    process(event);
    await engine.flush();
    expect(notifier.shown).toEqual([
      {
        itemId: event.id,
        title: 'New text on Support Line',
        body: 'Ann Lee · +1 415 555 2671: Is my order ready?',
        urgency: 'normal',
        category: 'im.received',
        actions: [{ id: 'open', label: 'Open' }],
      },
    ]);
    expect(items()).toMatchObject([
      { id: event.id, eventId: event.id, quietReason: null, read: false },
    ]);
    expect(store.events.pendingNotifications()).toEqual([]);
    expect(engine.unread.get()).toBe(1);
  });

  it('turns 1,000 texts in 10 s into one pop-up updated in place and 1,000 in-app items', async () => {
    const { clock, store, notifier, engine, process, items } = setup();
    const unreadUpdates: number[] = [];
    engine.unread.subscribe((count) => unreadUpdates.push(count));
    const senders = [
      { from: '+14155552671', contactName: 'Ann Lee' },
      { from: '+14155552672', contactName: 'Bo Chen' },
      { from: '+14155552673', contactName: null },
    ];
    for (let index = 0; index < 1_000; index++) {
      process(textEvent(clock, senders[index % 3]));
      clock.advance(10);
    }
    clock.advance(2_000);
    await engine.flush();
    expect(notifier.shown).toHaveLength(1);
    expect(notifier.shown[0]?.title).toBe('New text on Support Line');
    // A few updates a second, in place, and the last one names the last text and the count.
    expect(notifier.replaced.length).toBeGreaterThanOrEqual(10);
    expect(notifier.replaced.length).toBeLessThanOrEqual(45);
    expect(notifier.replaced.at(-1)?.content).toMatchObject({
      title: '1000 new texts on Support Line',
      body: 'Ann Lee: Hello — and 999 more texts on Support Line',
    });
    expect(items()).toHaveLength(1_000);
    expect(engine.unread.get()).toBe(1_000);
    // One count (a scan of the list) and one update for the window per turn, not one per text.
    expect(unreadUpdates).toEqual([1_000]);
    expect(store.events.pendingNotifications()).toEqual([]);
  });

  it('groups per line and kind: a call and a text at the same moment both pop at once', async () => {
    const { clock, notifier, engine, process } = setup();
    process(textEvent(clock));
    process(callEvent(clock));
    await engine.flush();
    expect(notifier.shown.map((popup) => popup.title)).toEqual([
      'New text on Support Line',
      'Incoming call on Support Line',
    ]);
  });

  it('lists a muted event with the reason it did not pop up', async () => {
    const clock = new ManualClock();
    const preferences = defaultUserPreferences('UTC');
    preferences.mutes.lines = [
      { lineId: supportLine.id, until: new Date(clock.now() + 3_600_000).toISOString() },
    ];
    const { notifier, engine, process, items, clock: engineClock } = setup({ preferences });
    process(textEvent(engineClock));
    await engine.flush();
    expect(notifier.shown).toHaveLength(0);
    expect(items()[0]?.quietReason).toMatch(/^Texts on Support Line are muted until /);
  });

  it('never lists a muted alert whose in-app channel is off: no channel past a rule that forbids it', async () => {
    const preferences = defaultUserPreferences('UTC');
    preferences.channels.inApp = false;
    // Email for texts is off by default (issue 13); on here, it is the channel a mute never holds.
    preferences.alertChannels.textRingGroup.email = true;
    preferences.mutes.lines = [{ lineId: supportLine.id, until: null }];
    const { notifier, engine, process, items, clock } = setup({ preferences });
    const decision = process(textEvent(clock));
    expect(decision.deliveries.map((delivery) => delivery.channel)).toEqual(['email']);
    const endedCall = callEvent(clock, { state: 'ended' });
    engine.beginCatchUp();
    process({ ...endedCall, id: 'ringing-1', state: 'ringing' });
    process(endedCall);
    engine.endCatchUp();
    await engine.flush();
    expect(notifier.shown).toHaveLength(0);
    expect(items()).toHaveLength(0);
  });

  it('sanitises and bounds every string that reaches an item or a pop-up: reasons and line names', async () => {
    const clock = new ManualClock();
    const handle = temporaryStore();
    stores.push(handle);
    const notifier = new RecordingNotifier();
    const hostileLine = `Sales\u202E${'é'.repeat(400)}`;
    const engine = new DeliveryEngine({
      clock,
      notifier,
      logger: createRecordingLogger(),
      notifications: handle.store.notifications,
      events: handle.store.events,
      batches: new EventBatches({ store: handle.store, notifier, logger: createRecordingLogger() }),
      describer: createEventDescriber({
        lineName: () => `Invoice from \u202Egpj.exe${hostileLine}`,
      }),
    });
    const muted = textEvent(clock, { body: `\u200B${'x'.repeat(500)}` });
    engine.deliver(muted, {
      eventId: muted.id,
      alertType: 'textRingGroup',
      lineId: supportLine.id,
      deliveries: [{ channel: 'inApp', destination: null }],
      suppressed: [
        { channel: 'desktop', code: 'lineMuted', explanation: `Texts on ${hostileLine} are muted` },
      ],
    });
    const popping = textEvent(clock, { from: '+14155552672' });
    engine.deliver(popping, {
      eventId: popping.id,
      alertType: 'textRingGroup',
      lineId: supportLine.id,
      deliveries: [{ channel: 'desktop', destination: null }],
      suppressed: [],
    });
    await engine.flush();
    const [item] = handle.store.notifications.list(10);
    const strings = [
      item?.title ?? '',
      item?.body ?? '',
      item?.quietReason ?? '',
      ...notifier.shown.flatMap((shown) => [shown.title, shown.body]),
    ];
    expect(strings).toHaveLength(5);
    for (const text of strings) {
      expect(text).not.toMatch(/[\u202E\u200B]/);
      expect([...text].length).toBeLessThanOrEqual(200);
      expect(utf8ByteLength(text)).toBeLessThanOrEqual(256);
    }
    expect(item?.title).toMatch(/^New text on Invoice from gpj\.exeSalesé+\u2026$/);
    expect(item?.quietReason).toMatch(/^Texts on Salesé+\u2026$/);
    expect(item?.body).toMatch(/^Ann Lee · \+1 415 555 2671: x+\u2026$/);
  });

  it('falls back to words without lookups when the session describer throws, and logs it', async () => {
    const clock = new ManualClock();
    const handle = temporaryStore();
    stores.push(handle);
    const notifier = new RecordingNotifier();
    const logger = createRecordingLogger();
    const engine = new DeliveryEngine({
      clock,
      notifier,
      logger,
      notifications: handle.store.notifications,
      events: handle.store.events,
      batches: new EventBatches({ store: handle.store, notifier, logger: createRecordingLogger() }),
      describer: createEventDescriber({
        lineName: () => {
          throw new Error('the profile is gone');
        },
      }),
    });
    const texts = [textEvent(clock), textEvent(clock), textEvent(clock)];
    for (const text of texts) engine.deliver(text, decide(text, agentContext(clock)));
    clock.advance(2_000);
    await engine.flush();
    expect(notifier.shown.map((popup) => [popup.title, popup.body])).toEqual([
      ['New text on line line-support', 'Ann Lee · +1 415 555 2671: Hello'],
    ]);
    expect(notifier.replaced.map(({ content }) => [content.title, content.body])).toEqual([
      [
        '3 new texts on line line-support',
        'Ann Lee: Hello — and 2 more texts on line line-support',
      ],
    ]);
    expect(handle.store.notifications.list(10).map((item) => item.title)).toEqual(
      texts.map(() => 'New text on line line-support'),
    );
    const failures = logger.lines.filter((entry) => entry.message === 'Describing an event failed');
    // The first text's item and pop-up, the others' items, then the group's summary (its last).
    expect(failures.map((entry) => entry.fields?.['id'])).toEqual([
      texts[0]?.id,
      texts[0]?.id,
      texts[1]?.id,
      texts[2]?.id,
      texts[2]?.id,
    ]);
  });

  it('turns a reconnect backlog into one pop-up per line and kind; an ended call pops as missed', async () => {
    const { clock, store, notifier, engine, process, items } = setup();
    engine.beginCatchUp();
    const ringing = callEvent(clock, { callId: 'call-77' });
    process(ringing);
    for (let index = 0; index < 5; index++) {
      process(textEvent(clock, index % 2 ? { from: '+14155552672', contactName: 'Bo Chen' } : {}));
    }
    process(callEvent(clock, { callId: 'call-77', state: 'ended' }));
    process({
      kind: 'voicemail',
      id: 'voicemail-1',
      occurredAt: new Date(clock.now()).toISOString(),
      lineId: supportLine.id,
      from: '+14155552671',
      contactName: 'Ann Lee',
      durationSeconds: 42,
      transcript: 'Call me back',
    });
    await engine.flush();
    expect(notifier.shown).toHaveLength(0);
    engine.endCatchUp();
    await engine.flush();
    expect(notifier.shown.map((popup) => popup.title)).toEqual([
      '5 new texts on Support Line',
      'Voicemail on Support Line',
      'Missed call from Ann Lee',
    ]);
    expect(notifier.shown[0]?.body).toBe('Ann Lee: Hello — and 4 more texts on Support Line');
    expect(notifier.shown[2]?.actions).toEqual([{ id: 'callBack', label: 'Call back' }]);
    const missed = items().find((item) => item.id === ringing.id);
    expect(missed).toMatchObject({
      title: 'Missed call from Ann Lee',
      body: '+1 415 555 2671 on Support Line',
    });
    expect(items()).toHaveLength(7);
    expect(store.events.pendingNotifications()).toEqual([]);
  });

  it('closes a ringing pop-up when the call is answered, replaces it when it is missed', async () => {
    const { clock, notifier, engine, process, items } = setup();
    const first = callEvent(clock, { callId: 'first' });
    process(first);
    const second = callEvent(clock, { callId: 'second' });
    process(second);
    await engine.flush();
    expect(notifier.shown.map((popup) => [popup.itemId, popup.urgency, popup.expiry])).toEqual([
      [first.id, 'critical', 'never'],
      [second.id, 'critical', 'never'],
    ]);
    expect(notifier.shown[0]?.actions).toEqual([
      { id: 'muteLine', label: 'Mute this line for 1 hour' },
    ]);
    process(
      callEvent(clock, {
        callId: 'first',
        state: 'answered',
        answeredBy: { userId: 'user-taylor', name: 'Taylor Reed', device: 'Desk phone' },
      }),
    );
    process(callEvent(clock, { callId: 'second', state: 'ended' }));
    // A later state of a call already stopped changes nothing.
    process(callEvent(clock, { callId: 'first', state: 'ended' }));
    await engine.flush();
    expect(notifier.closed).toEqual([{ id: 'popup-1' }]);
    expect(notifier.replaced.map(({ handle, content }) => [handle.id, content.title])).toEqual([
      ['popup-2', 'Missed call from Ann Lee'],
    ]);
    expect(notifier.onScreen.map((popup) => popup.title)).toEqual(['Missed call from Ann Lee']);
    expect(items().find((item) => item.id === first.id)).toMatchObject({
      title: 'Answered by Taylor Reed',
      body: 'Call from Ann Lee · +1 415 555 2671 on Support Line on Desk phone',
    });
    expect(items().find((item) => item.id === second.id)?.title).toBe('Missed call from Ann Lee');
  });

  it('shows a ringing pop-up the daemon dropped again after the next call stops; a dismissed one stays gone', async () => {
    const { clock, notifier, engine, process } = setup();
    const [first, second, third] = ['first', 'second', 'third'].map((callId) =>
      callEvent(clock, { callId }),
    );
    for (const call of [first, second, third]) if (call) process(call);
    await engine.flush();
    // The daemon folds the first into a newer one with the same words (dunst's duplicates): it
    // reports it expired though it never expires. The person dismisses the third.
    notifier.dismiss({ id: 'popup-1' }, 'expired');
    notifier.dismiss({ id: 'popup-3' }, 'dismissed');
    process(callEvent(clock, { callId: 'second', state: 'missed' }));
    await engine.flush();
    expect(notifier.shown.map((popup) => [popup.itemId, popup.category])).toEqual([
      [first?.id, 'call.incoming'],
      [second?.id, 'call.incoming'],
      [third?.id, 'call.incoming'],
      [first?.id, 'call.incoming'],
    ]);
    expect(notifier.onScreen.map((popup) => popup.title)).toEqual([
      'Missed call from Ann Lee',
      'Incoming call on Support Line',
    ]);
    // Shown again once only; its call's stop closes the new one.
    process(callEvent(clock, { callId: 'third', state: 'missed' }));
    process(callEvent(clock, { callId: 'first', state: 'answered' }));
    await engine.flush();
    expect(notifier.shown).toHaveLength(4);
    expect(notifier.closed).toEqual([{ id: 'popup-4' }]);
  });

  it('a ringing call seen after its end never pops', async () => {
    const { clock, notifier, engine, process, items } = setup();
    process(callEvent(clock, { callId: 'late', state: 'ended' }));
    const ringing = callEvent(clock, { callId: 'late' });
    process(ringing);
    await engine.flush();
    expect(notifier.shown).toHaveLength(0);
    expect(items().find((item) => item.id === ringing.id)?.title).toBe('Missed call from Ann Lee');
  });

  it('reports a missing notifier once (health and one in-app item) and still lists every alert', async () => {
    const { clock, store, notifier, engine, process, items } = setup();
    notifier.available = { available: false, reason: 'notify-send was not found on PATH' };
    await engine.start();
    await engine.start();
    expect(engine.health.get()).toEqual([
      {
        code: 'notifierUnavailable',
        message:
          'Desktop pop-ups are unavailable: notify-send was not found on PATH. Alerts still appear in the in-app list.',
      },
    ]);
    process(textEvent(clock));
    process(textEvent(clock));
    await engine.flush();
    expect(notifier.shown).toHaveLength(0);
    const titles = items().map((item) => item.title);
    expect(titles.filter((title) => title === 'Desktop pop-ups are unavailable')).toHaveLength(1);
    expect(titles.filter((title) => title === 'New text on Support Line')).toHaveLength(2);
    expect(store.events.pendingNotifications()).toEqual([]);
  });

  it('counts failing pop-ups in health and keeps them in the list, without throwing', async () => {
    const { clock, store, notifier, engine, process, items } = setup({
      preferences: {
        ...defaultUserPreferences('UTC'),
        channels: { ...defaultUserPreferences().channels, inApp: false },
      },
    });
    notifier.fail = 'daemon crashed';
    process(textEvent(clock));
    process(callEvent(clock));
    await engine.flush();
    expect(engine.stats.popupFailures).toBe(2);
    expect(engine.health.get()).toEqual([
      {
        code: 'popupFailures',
        message:
          '2 desktop pop-ups could not be shown (last: daemon crashed); they are in the in-app list.',
      },
    ]);
    expect(items()).toHaveLength(2);
    expect(store.events.pendingNotifications()).toEqual([]);
  });

  it('routes a clicked pop-up to onOpenItem', async () => {
    const { clock, notifier, engine, process } = setup();
    const opened: string[] = [];
    engine.onOpenItem((itemId) => opened.push(itemId));
    const event = textEvent(clock);
    process(event);
    await engine.flush();
    notifier.click(notifier.shown[0]?.itemId ?? '');
    expect(opened).toEqual([event.id]);
  });

  it('keeps unread up to date when items are read', async () => {
    const { clock, engine, process, items } = setup();
    process(textEvent(clock));
    process(textEvent(clock, { lineId: 'line-ann' }));
    await engine.flush();
    expect(engine.unread.get()).toBe(2);
    expect(engine.markRead([items()[0]?.id ?? ''])).toBe(1);
    expect(engine.unread.get()).toBe(1);
  });

  it('does not list an event twice when it is delivered again (re-raised after a restart)', async () => {
    const { clock, engine, items } = setup();
    const event = textEvent(clock);
    const decision = decide(event, agentContext(clock));
    engine.deliver(event, decision);
    engine.deliver(event, decision);
    await engine.flush();
    expect(items()).toHaveLength(1);
  });

  it('leaves window pop-ups unmarked when stopped, so the next start raises them again', async () => {
    const { clock, store, engine, process } = setup();
    process(textEvent(clock));
    const waiting = textEvent(clock);
    process(waiting);
    engine.stop();
    await engine.flush();
    expect(store.events.pendingNotifications().map((entry) => entry.event.id)).toEqual([
      waiting.id,
    ]);
  });
});
