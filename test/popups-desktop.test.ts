import { describe, expect, it } from 'vitest';
import type { Decision } from '../common';
import { demoLines, demoUsers } from '../service/seed';
import { cleanupAfterEach } from './support/cleanups';
import { annCall, desktop, send } from './support/desktop-companion';
import { desktopSession } from './support/dunst';
import { busDaemon } from './support/private-desktop-bus';
import { callApi } from './support/service-test-client';
import { waitForValue } from './support/wait-for';

/**
 * Pop-ups that act and bursts that stay one pop-up, end to end: the service, Jordan's companion
 * (the real core), the D-Bus adapter and a dunst of the test's own, the person played through
 * dunstctl. Needs the X display of
 *   bash tools/with-desktop.sh npx vitest run test/popups-desktop.test.ts
 */
const cleanups = cleanupAfterEach('ringside-popups-');

if (!desktopSession) {
  console.log(
    'popups-desktop.test.ts: skipping: RINGSIDE_DESKTOP_SESSION is not 1 (run under tools/with-desktop.sh).',
  );
}

const annText = (body: string) => ({
  kind: 'text',
  lineId: demoLines.jordan.id,
  from: '+14155552631',
  contactName: 'Ann Lee',
  body,
});

describe.skipIf(!desktopSession || !busDaemon)('pop-ups on a real dunst', () => {
  it('"Mute this line for 1 hour" pressed in dunst mutes the line: store, service, next decision', async () => {
    const setup = await desktop(cleanups);
    const { tracked, dunst, companion, service } = setup;
    const decisions = new Map<string, Decision>();
    companion.onDecision((item, decision) => decisions.set(item.eventId, decision));
    await send(setup, annCall('call-to-mute', 'ringing'));
    await tracked.changed.until(() => tracked.ringing().length === 1, 'the call rings', 10_000);
    // The person opens dunst's menu on the pop-up and picks the button: ActionInvoked on the bus.
    dunst.chooseInMenu('Mute this line for 1 hour');
    await dunst.ctl('context');
    const muted = await waitForValue(
      companion.preferences,
      (snapshot) =>
        snapshot?.preferences.mutes.lines.some((mute) => mute.lineId === demoLines.jordan.id) ===
        true,
      'the line muted',
    );
    const until = muted?.preferences.mutes.lines[0]?.until ?? '';
    const hour = Date.parse(until) - Date.now();
    expect(hour).toBeGreaterThan(58 * 60_000);
    expect(hour).toBeLessThanOrEqual(60 * 60_000);
    // Synced to the service as a tray mute is.
    await waitForValue(companion.sync, (status) => status.status === 'synced', 'synced');
    const stored = await callApi(service.url, demoUsers.jordan.token, 'GET', '/api/preferences');
    expect(JSON.stringify(stored.body)).toContain(demoLines.jordan.id);
    // The next call on that line is held by the mute.
    const next = await send(setup, annCall('call-after-mute', 'ringing'));
    expect(decisions.get(next)?.suppressed).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'desktop', code: 'lineMuted' })]),
    );
  });

  it('a 20-text burst is one pop-up replaced in place, naming the last message and the count', async () => {
    const setup = await desktop(cleanups);
    const { tracked, dunst } = setup;
    for (let index = 1; index <= 20; index++) {
      await send(setup, annText(`Message ${index}`));
    }
    const texts = () =>
      [...tracked.popups.values()].filter((popup) => popup.content.category === 'im.received');
    await tracked.changed.until(
      () => texts().some((popup) => popup.content.title.startsWith('20 new texts')),
      'the last update',
      10_000,
    );
    expect(texts()).toHaveLength(1);
    expect(texts()[0]?.content.body).toBe(
      "Ann Lee: Message 20 — and 19 more texts on Jordan's line",
    );
    const history = await dunst.history();
    const textEntries = history.filter((entry) => /new texts?/u.test(entry.summary));
    expect(textEntries.map((entry) => entry.summary)).toEqual(["20 new texts on Jordan's line"]);
  });

  it('dunst paused: no pop-up, the item says why; resumed: the next alert pops up', async () => {
    const setup = await desktop(cleanups);
    const { tracked, dunst, companion } = setup;
    await dunst.ctl('set-paused', 'true');
    await waitForValue(tracked.notifier.systemDoNotDisturb, (state) => state.on, 'paused seen');
    const held = await send(setup, annText('While paused'));
    const items = await companion.listNotifications({ limit: 10 });
    expect(items.find((item) => item.id === held)?.quietReason).toBe('System do-not-disturb is on');
    await dunst.ctl('set-paused', 'false');
    await waitForValue(tracked.notifier.systemDoNotDisturb, (state) => !state.on, 'resumed');
    await send(setup, { ...annText('After'), lineId: demoLines.support.id });
    await tracked.changed.until(() => tracked.popups.size === 1, 'the next pop-up', 10_000);
    expect([...tracked.popups.values()].map((popup) => popup.content.body)).toEqual([
      expect.stringContaining('After'),
    ]);
  });
});
