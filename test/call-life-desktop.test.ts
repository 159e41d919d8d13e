import { describe, expect, it } from 'vitest';
import { demoLines, demoUsers } from '../service/seed';
import { cleanupAfterEach } from './support/cleanups';
import { annCall, desktop, send } from './support/desktop-companion';
import { desktopSession } from './support/dunst';
import { busDaemon } from './support/private-desktop-bus';

/**
 * The life of a call end to end on a real notification daemon: the stand-in service sends the
 * call's states, the companion (the real core) pops through the D-Bus adapter to a dunst of the
 * test's own (test/support/private-desktop-bus.ts), read back with dunstctl and from the
 * adapter's `NotificationClosed`. Needs the X display of
 *   bash tools/with-desktop.sh npx vitest run test/call-life-desktop.test.ts
 */
const cleanups = cleanupAfterEach('ringside-call-life-');

if (!desktopSession) {
  console.log(
    'call-life-desktop.test.ts: skipping: RINGSIDE_DESKTOP_SESSION is not 1 (run under tools/with-desktop.sh).',
  );
}

/** Jordan answering on this computer: the call was answered here. */
const jordanHere = { userId: demoUsers.jordan.id, name: demoUsers.jordan.name, device: 'Ringside' };

/** A seeded random (mulberry32): the same lifecycles on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

describe.skipIf(!desktopSession || !busDaemon)('the life of a call on a real dunst', () => {
  it('a call answered on another device: the pop-up closes within 1 s, the item says who', async () => {
    const setup = await desktop(cleanups);
    const { tracked, dunst, companion } = setup;
    const ringingId = await send(setup, annCall('call-answered', 'ringing'));
    await tracked.changed.until(() => tracked.ringing().length === 1, 'the call rings', 10_000);
    expect(await dunst.displayed()).toBe(1);
    const started = performance.now();
    setup.service.inject(demoUsers.taylor.id, annCall('call-answered', 'answered'));
    await tracked.changed.until(() => tracked.ringing().length === 0, 'closed', 10_000);
    const closedAfter = performance.now() - started;
    expect(closedAfter).toBeLessThan(1_000);
    expect(await dunst.displayed()).toBe(0);
    // The in-app item follows (written in the answered event's batch, before its pop-up work).
    const items = await companion.listNotifications({ limit: 10 });
    expect(items.find((item) => item.id === ringingId)).toMatchObject({
      title: 'Answered by Taylor Reed',
    });
    console.log(`call answered elsewhere: pop-up closed ${closedAfter.toFixed(0)} ms after`);
  });

  it('a missed call: the ringing pop-up is replaced in place by "Missed call from Ann Lee"', async () => {
    const setup = await desktop(cleanups);
    const { tracked, dunst } = setup;
    await send(setup, annCall('call-missed', 'ringing'));
    await tracked.changed.until(() => tracked.ringing().length === 1, 'the call rings', 10_000);
    await send(setup, annCall('call-missed', 'missed'));
    await tracked.changed.until(() => tracked.ringing().length === 0, 'replaced', 10_000);
    expect(await dunst.displayed()).toBe(1);
    const history = await dunst.history();
    expect(history.map((entry) => [entry.summary, entry.category])).toEqual([
      ['Missed call from Ann Lee', 'call.unanswered'],
    ]);
  });

  it('a ringing pop-up the person dismissed: the call then missed still pops "Missed call from Ann Lee"', async () => {
    const setup = await desktop(cleanups);
    const { tracked, dunst, companion } = setup;
    const closes: string[] = [];
    tracked.notifier.onClosed((event) => closes.push(event.reason));
    const ringingId = await send(setup, annCall('call-dismissed', 'ringing'));
    await tracked.changed.until(() => tracked.ringing().length === 1, 'the call rings', 10_000);
    // The person closes the pop-up in dunst: NotificationClosed, reason 2.
    await dunst.ctl('close');
    await tracked.changed.until(() => tracked.ringing().length === 0, 'dismissed', 10_000);
    expect(closes).toEqual(['dismissed']);
    expect(await dunst.displayed()).toBe(0);
    await send(setup, annCall('call-dismissed', 'missed'));
    const missed = () =>
      [...tracked.popups.values()].filter(
        (popup) => !popup.closed && popup.content.category === 'call.unanswered',
      );
    await tracked.changed.until(() => missed().length === 1, 'the missed call pops', 10_000);
    expect(await dunst.displayed()).toBe(1);
    const onScreen = await dunst.onScreen();
    expect(onScreen.map((entry) => [entry.summary, entry.category])).toEqual([
      ['Missed call from Ann Lee', 'call.unanswered'],
    ]);
    const items = await companion.listNotifications({ limit: 10 });
    expect(items.find((item) => item.id === ringingId)).toMatchObject({
      title: 'Missed call from Ann Lee',
      read: false,
    });
  });

  it('two calls from one caller ring at once, one is answered: the other still rings in dunst', async () => {
    const setup = await desktop(cleanups);
    const { tracked, dunst } = setup;
    // The same words twice: dunst (stack_duplicates, its default) folds the first pop-up into
    // the second and reports the first closed as expired.
    const first = await send(setup, annCall('call-twin-1', 'ringing'));
    const second = await send(setup, annCall('call-twin-2', 'ringing'));
    const popupsOf = (itemId: string) =>
      [...tracked.popups.values()].filter((popup) => popup.content.itemId === itemId);
    await tracked.changed.until(() => popupsOf(second).length === 1, 'the second shown', 10_000);
    await send(setup, annCall('call-twin-2', 'answered'));
    await tracked.changed.until(
      () =>
        popupsOf(second).every((popup) => popup.closed) &&
        tracked
          .ringing()
          .map((popup) => popup.content.itemId)
          .join() === first,
      'the answered call closed, the other ringing',
      10_000,
    );
    const onScreen = await dunst.onScreen();
    expect(onScreen.map((entry) => [entry.summary, entry.category, entry.timeout])).toEqual([
      ["Incoming call on Jordan's line", 'call.incoming', 0],
    ]);
  });

  it('100 random call lifecycles on two lines (answered here or elsewhere, missed, ended): 0 left ringing in dunst, each item in its final state', async () => {
    const setup = await desktop(cleanups);
    const { tracked, dunst, companion } = setup;
    const random = seeded(12);
    const lines = [demoLines.jordan.id, demoLines.support.id];
    const stops = ['answeredHere', 'answered', 'missed', 'ended'] as const;
    // Each call rings, then stops; calls overlap in a random interleaving of their steps.
    const steps: Array<Record<string, unknown>> = [];
    const open: Array<{ callId: string; lineId: string }> = [];
    const stopOf = new Map<string, (typeof stops)[number]>();
    let next = 0;
    while (next < 100 || open.length > 0) {
      if (next < 100 && (open.length === 0 || random() < 0.5)) {
        const call = { callId: `call-random-${next}`, lineId: lines[next % 2] ?? '' };
        next += 1;
        open.push(call);
        steps.push(annCall(call.callId, 'ringing', call.lineId));
      } else {
        const [call] = open.splice(Math.floor(random() * open.length), 1);
        if (!call) continue;
        const stop = stops[Math.floor(random() * stops.length)] ?? 'ended';
        stopOf.set(call.callId, stop);
        steps.push(
          stop === 'answeredHere'
            ? { ...annCall(call.callId, 'answered', call.lineId), answeredBy: jordanHere }
            : annCall(call.callId, stop, call.lineId),
        );
        // Sometimes the caller's end follows the answer: it changes nothing.
        if (stop.startsWith('answered') && random() < 0.3) {
          steps.push(annCall(call.callId, 'ended', call.lineId));
        }
      }
    }
    const ids = steps.map((body) => setup.service.inject(demoUsers.jordan.id, body)[0]?.id ?? '');
    await setup.decided.until(
      () => ids.every((id) => setup.decisions.includes(id)),
      'every step decided',
      30_000,
    );
    const ringingIds = new Map(
      steps.flatMap((body, index) =>
        body['state'] === 'ringing' ? [[String(body['callId']), ids[index] ?? ''] as const] : [],
      ),
    );
    // Every call's pop-up (it carries its ringing event's id) was shown, then closed or replaced.
    const over = (itemId: string) =>
      [...tracked.popups.values()].some(
        (popup) =>
          popup.content.itemId === itemId &&
          (popup.closed || popup.content.category === 'call.unanswered'),
      );
    await tracked.changed.until(
      () => [...ringingIds.values()].every(over) && tracked.ringing().length === 0,
      '0 left ringing',
      10_000,
    );
    const left = [...tracked.popups.values()].filter((popup) => !popup.closed);
    // What dunst still shows or holds: missed calls only, none of them ringing, none critical.
    const onScreen = await dunst.onScreen();
    expect(onScreen).toHaveLength(left.length);
    for (const entry of onScreen) {
      expect(entry).toMatchObject({
        summary: 'Missed call from Ann Lee',
        category: 'call.unanswered',
      });
      expect(entry.message.startsWith('critical|')).toBe(false);
    }
    // Each call's in-app item (its ringing event's) says how it ended.
    const items = new Map(
      (await companion.listNotifications({ limit: 1000 })).map((item) => [item.id, item.title]),
    );
    const expected = (stop: (typeof stops)[number]) =>
      stop === 'answeredHere'
        ? 'Answered by Jordan Park'
        : stop === 'answered'
          ? 'Answered by Taylor Reed'
          : 'Missed call from Ann Lee';
    const finals = [...stopOf.keys()].map((callId) => [
      callId,
      items.get(ringingIds.get(callId) ?? ''),
    ]);
    expect(finals).toEqual([...stopOf].map(([callId, stop]) => [callId, expected(stop)]));
    const counts = new Map<string, number>();
    for (const stop of stopOf.values()) counts.set(stop, (counts.get(stop) ?? 0) + 1);
    console.log(
      `100 random call lifecycles: ${JSON.stringify(Object.fromEntries(counts))}; ` +
        `${tracked.popups.size} pop-ups, 0 left ringing, ${onScreen.length} missed still on screen`,
    );
  });
});
