import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCompanion } from '../main/core/companion';
import type { Companion } from '../main/core/companion-api';
import { DbusNotifier } from '../main/core/delivery';
import { passThroughNotifier } from '../main/core/notifier-helpers';
import {
  createSystemClock,
  type NotifierPort,
  type PopupContent,
  type PopupResult,
} from '../main/core/ports';
import { startService, type RunningService } from '../service';
import { demoLines, demoUsers } from '../service/seed';
import { cleanupAfterEach } from './support/cleanups';
import { desktopSession } from './support/dunst';
import {
  busDaemon,
  startDunst,
  startPrivateBus,
  type PrivateDunst,
} from './support/private-desktop-bus';
import { createRecordingLogger } from './support/recording-logger';
import { createCondition, waitForValue } from './support/wait-for';

/**
 * The life of a call end to end on a real notification daemon: the stand-in service sends the
 * call's states, the companion (the real core) pops through the D-Bus adapter to a dunst of the
 * test's own (test/support/private-desktop-bus.ts), read back with dunstctl and from the
 * adapter's `NotificationClosed`. Needs the X display of
 *   bash tools/with-desktop.sh npx vitest run test/call-life-desktop.test.ts
 */
const { defer, temporaryFolder } = cleanupAfterEach('ringside-call-life-');

if (!desktopSession) {
  console.log(
    'call-life-desktop.test.ts: skipping: RINGSIDE_DESKTOP_SESSION is not 1 (run under tools/with-desktop.sh).',
  );
}

const annCall = (callId: string, state: string, lineId: string = demoLines.jordan.id) => ({
  kind: 'call',
  lineId,
  from: '+14155552631',
  contactName: 'Ann Lee',
  callId,
  state,
  ...(state === 'answered'
    ? {
        answeredBy: {
          userId: demoUsers.taylor.id,
          name: demoUsers.taylor.name,
          device: 'Desk phone',
        },
      }
    : {}),
});

/** A pop-up as the adapter holds it: what it says now, and whether it left the screen. */
interface Tracked {
  content: PopupContent;
  closed: boolean;
}

/**
 * The D-Bus adapter with a record of every pop-up it was asked for (by handle) and each one's
 * `NotificationClosed`: the adapter's view, checked against dunst's.
 */
function tracking(inner: DbusNotifier) {
  const popups = new Map<string, Tracked>();
  const changed = createCondition();
  const keep = (result: PopupResult, content: PopupContent) => {
    if (result.shown) popups.set(result.handle.id, { content, closed: false });
    changed.signal();
    return result;
  };
  const notifier: NotifierPort = passThroughNotifier(inner, {
    show: async (content) => keep(await inner.show(content), content),
    replace: async (handle, content) => keep(await inner.replace(handle, content), content),
  });
  inner.onClosed(({ handle }) => {
    const popup = popups.get(handle.id);
    if (popup) popup.closed = true;
    changed.signal();
  });
  const ringing = () =>
    [...popups.values()].filter(
      (popup) => !popup.closed && popup.content.category === 'call.incoming',
    );
  return { notifier, popups, changed, ringing };
}

async function desktop(): Promise<{
  service: RunningService;
  dunst: PrivateDunst;
  companion: Companion;
  tracked: ReturnType<typeof tracking>;
  decided: ReturnType<typeof createCondition>;
  decisions: string[];
}> {
  const bus = await startPrivateBus(temporaryFolder());
  defer(() => bus.stop());
  const dunst = await startDunst(bus, temporaryFolder());
  defer(() => dunst.stop());
  const service = await startService({
    databasePath: join(temporaryFolder(), 'service.sqlite'),
  });
  defer(() => service.close());
  const adapter = new DbusNotifier({ busAddress: bus.address });
  defer(() => adapter.dispose());
  const tracked = tracking(adapter);
  const companion = createCompanion({
    dataDir: temporaryFolder(),
    serviceUrl: service.url,
    token: demoUsers.jordan.token,
    notifier: tracked.notifier,
    clock: createSystemClock(),
    logger: createRecordingLogger(),
  });
  defer(() => companion.stop());
  const decisions: string[] = [];
  const decided = createCondition();
  companion.onDecision((item) => {
    decisions.push(item.eventId);
    decided.signal();
  });
  await companion.start();
  await waitForValue(companion.connection, (state) => state.status === 'connected');
  return { service, dunst, companion, tracked, decided, decisions };
}

/** Injects for Jordan and waits until the companion decided it; returns the event's id. */
async function send(
  setup: Awaited<ReturnType<typeof desktop>>,
  body: Record<string, unknown>,
): Promise<string> {
  const [event] = setup.service.inject(demoUsers.jordan.id, body);
  const id = event?.id ?? '';
  await setup.decided.until(() => setup.decisions.includes(id), `decided ${id}`, 10_000);
  return id;
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
    const setup = await desktop();
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
    const setup = await desktop();
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
    const setup = await desktop();
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
