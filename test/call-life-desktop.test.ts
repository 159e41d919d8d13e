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

  it('100 random call lifecycles on two lines, answered here or elsewhere: 0 pop-ups left ringing', async () => {
    const setup = await desktop(cleanups);
    const { tracked, dunst } = setup;
    const random = seeded(12);
    const lines = [demoLines.jordan.id, demoLines.support.id];
    const stops = ['answered', 'missed', 'ended'] as const;
    // Each call rings, then stops; calls overlap in a random interleaving of their steps.
    const steps: Array<Record<string, unknown>> = [];
    const open: Array<{ callId: string; lineId: string }> = [];
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
        steps.push(annCall(call.callId, stop, call.lineId));
        // Sometimes the caller's end follows the answer: it changes nothing.
        if (stop === 'answered' && random() < 0.3) {
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
    await tracked.changed.until(() => tracked.ringing().length === 0, '0 left ringing', 10_000);
    const onScreen = [...tracked.popups.values()].filter((popup) => !popup.closed);
    // dunst agrees: what it holds is the missed calls' pop-ups, none of them ringing.
    expect(onScreen.every((popup) => popup.content.category === 'call.unanswered')).toBe(true);
    const held = Number((await dunst.ctl('count', 'displayed')).trim());
    const waiting = Number((await dunst.ctl('count', 'waiting')).trim());
    expect(held + waiting).toBe(onScreen.length);
    console.log(
      `100 random call lifecycles: ${tracked.popups.size} pop-ups, 0 left ringing, ${onScreen.length} missed on screen`,
    );
  });
});
