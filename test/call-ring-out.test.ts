import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { longestRingMilliseconds } from '../main/core/delivery/call-life';
import { startService, type RunningService } from '../service';
import { demoLines, demoUsers } from '../service/seed';
import { cleanupAfterEach } from './support/cleanups';
import { startHarness, type CompanionHarness } from './support/companion-harness';
import { ManualClock } from './support/manual-clock';
import { waitForValue } from './support/wait-for';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-ring-out-');
const jordan = demoUsers.jordan;

function call(callId: string, state: string, extra: Record<string, unknown> = {}) {
  return {
    kind: 'call',
    lineId: demoLines.jordan.id,
    from: '+14155552631',
    contactName: 'Ann Lee',
    callId,
    state,
    ...extra,
  };
}

const answeredByTaylor = {
  answeredBy: { userId: 'user-taylor', name: 'Taylor Reed', device: 'Desk phone' },
};

/**
 * The companion on a clock moved by hand, over the stand-in service; every pop-up replaced is
 * noted with what the in-app list said of its item at that moment (committed before announced).
 */
async function companion(running: RunningService, dataDir: string, clock: ManualClock) {
  const harness = startHarness({ dataDir, serviceUrl: running.url, token: jordan.token, clock });
  defer(() => harness.companion.stop());
  const itemAtReplace = new Map<string, string | undefined>();
  const replace = harness.notifier.replace.bind(harness.notifier);
  harness.notifier.replace = async (handle, content) => {
    const items = harness.store().notifications.list(100);
    itemAtReplace.set(content.itemId, items.find((item) => item.id === content.itemId)?.title);
    const result = await replace(handle, content);
    harness.changed.signal();
    return result;
  };
  await harness.companion.start();
  await waitForValue(harness.companion.connection, (state) => state.status === 'connected');
  return { harness, itemAtReplace };
}

/** Injects an event and waits until the companion told its decision. */
async function play(running: RunningService, harness: CompanionHarness, body: unknown) {
  const [event] = running.inject(jordan.id, body);
  if (!event) throw new Error('The service made no event');
  await harness.changed.until(() => harness.decisions.has(event.id), `${event.id} decided`);
  return event.id;
}

async function titleOf(harness: CompanionHarness, id: string): Promise<string | undefined> {
  const items = await harness.companion.listNotifications({ limit: 100 });
  return items.find((item) => item.id === id)?.title;
}

describe('a call whose stop never comes rings out in the in-app list as on the screen', () => {
  it('its item says missed once the pop-up rings out, a later stop still wins, and a restart past the longest ring shows nothing ringing', async () => {
    const running = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
    defer(() => running.close());
    const dataDir = temporaryFolder();
    const clock = new ManualClock(Date.now());
    const { harness, itemAtReplace } = await companion(running, dataDir, clock);

    const lost = await play(running, harness, call('lost-1', 'ringing'));
    const answeredLater = await play(running, harness, call('lost-2', 'ringing'));
    await harness.changed.until(() => harness.popupsFor(answeredLater) === 1, 'both ringing');
    expect(await titleOf(harness, lost)).toBe("Incoming call on Jordan's line");

    clock.advance(longestRingMilliseconds);
    await harness.changed.until(() => itemAtReplace.size === 2, 'both pop-ups rung out');
    // Each item said "missed" before its pop-up did.
    expect([...itemAtReplace]).toEqual([
      [lost, 'Missed call from Ann Lee'],
      [answeredLater, 'Missed call from Ann Lee'],
    ]);
    expect(await titleOf(harness, lost)).toBe('Missed call from Ann Lee');
    expect(harness.notifier.onScreen.some((popup) => popup.expiry === 'never')).toBe(false);

    // The stops come after all: "missed" changes nothing (the item stays read), "answered" wins.
    await harness.companion.markNotificationsRead({ ids: [lost] });
    await play(running, harness, call('lost-1', 'missed'));
    await play(running, harness, call('lost-2', 'answered', answeredByTaylor));
    const items = await harness.companion.listNotifications({ limit: 100 });
    expect(items.find((item) => item.id === lost)).toMatchObject({
      title: 'Missed call from Ann Lee',
      read: true,
    });
    expect(items.find((item) => item.id === answeredLater)?.title).toBe('Answered by Taylor Reed');

    // A call rings, the companion stops, and starts again after the longest ring.
    const ringing = await play(running, harness, call('lost-3', 'ringing'));
    await harness.changed.until(() => harness.popupsFor(ringing) === 1, 'the third call ringing');
    await harness.companion.stop();
    const later = new ManualClock(clock.now() + longestRingMilliseconds + 1);
    const restarted = await companion(running, dataDir, later);
    expect(await titleOf(restarted.harness, ringing)).toBe('Missed call from Ann Lee');
    expect(restarted.harness.notifier.shown).toEqual([]);
    // Its stop, arriving now, still says how it ended.
    await play(running, restarted.harness, call('lost-3', 'answered', answeredByTaylor));
    expect(await titleOf(restarted.harness, ringing)).toBe('Answered by Taylor Reed');
  }, 60_000);
});
