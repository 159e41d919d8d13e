import { describe, expect, it } from 'vitest';
import type { Decision, HealthNotice } from '../common';
import { demoLines, demoUsers } from '../service/seed';
import { cleanupAfterEach } from './support/cleanups';
import { annCall, desktop, desktopWithoutDaemon, send } from './support/desktop-companion';
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
    // Nothing was handed to dunst to hold until it resumes (it would show it then).
    expect(await dunst.ctl('count', 'waiting')).toBe('0\n');
    expect(await dunst.displayed()).toBe(0);
    await dunst.ctl('set-paused', 'false');
    await waitForValue(tracked.notifier.systemDoNotDisturb, (state) => !state.on, 'resumed');
    await send(setup, { ...annText('After'), lineId: demoLines.support.id });
    await tracked.changed.until(() => tracked.popups.size === 1, 'the next pop-up', 10_000);
    expect([...tracked.popups.values()].map((popup) => popup.content.body)).toEqual([
      expect.stringContaining('After'),
    ]);
    expect((await dunst.history()).map((entry) => entry.body)).toEqual([
      'Ann Lee · +1 415 555 2631: After',
    ]);
  });

  it('usage at 90 % then 100 % inside one window: two pop-ups, the second "All included minutes used"', async () => {
    const setup = await desktop(cleanups, { user: 'sam' });
    const { tracked, dunst, companion, service } = setup;
    // The service derives the thresholds from the usage it is told (common/detectors).
    const thresholds: string[] = [];
    const emittedAt: number[] = [];
    service.onEmit((event) => {
      if (event.userId === demoUsers.sam.id && event.kind === 'usageThreshold') {
        thresholds.push(event.id);
        emittedAt.push(performance.now());
      }
    });
    const usage = (usedMinutes: number) => ({
      kind: 'usage',
      periodId: 'period-dec',
      usedMinutes,
      includedMinutes: 1000,
    });
    await send(setup, usage(900));
    await send(setup, usage(1000));
    await setup.decided.until(
      () => thresholds.length === 2 && thresholds.every((id) => setup.decisions.includes(id)),
      'both thresholds decided',
      10_000,
    );
    const usagePopups = () =>
      [...tracked.popups.values()].filter(
        (popup) => popup.content.category === 'x-ringside.usageThreshold',
      );
    await tracked.changed.until(() => usagePopups().length === 2, 'two pop-ups', 10_000);
    // Both came within one coalescing window (2 s), and neither was folded into a group.
    expect((emittedAt[1] ?? Infinity) - (emittedAt[0] ?? 0)).toBeLessThan(2_000);
    const history = await dunst.history();
    expect(history.map((entry) => [entry.summary, entry.message.startsWith('critical|')])).toEqual([
      ['90% of included minutes used', false],
      ['All included minutes used', true],
    ]);
    expect(history.map((entry) => entry.body)).toEqual([
      '900 of 1000 minutes used this billing period',
      '1000 of 1000 minutes used this billing period',
    ]);
    expect(history.some((entry) => /new usage alerts/u.test(entry.summary))).toBe(false);
    const items = await companion.listNotifications({ limit: 10 });
    expect(items.map((item) => item.title)).toEqual(
      expect.arrayContaining(['90% of included minutes used', 'All included minutes used']),
    );
  });

  it('no daemon on the bus: the companion decides and lists, says so once; the first alert after dunst appears pops up', async () => {
    const setup = await desktopWithoutDaemon(cleanups);
    const { tracked, companion } = setup;
    const unavailable = (notices: HealthNotice[]) =>
      notices.filter((notice) => notice.code === 'notifierUnavailable');
    await waitForValue(companion.health, (notices) => unavailable(notices).length === 1, 'said');
    // Every change of the notices from here on: the one about pop-ups is never said again.
    const said: number[] = [];
    companion.health.subscribe((notices) => said.push(unavailable(notices).length));
    const started = performance.now();
    const meanwhile = [
      await send(setup, annText('No daemon 1')),
      await send(setup, annCall('call-no-daemon', 'ringing')),
      await send(setup, { ...annText('No daemon 2'), lineId: demoLines.support.id }),
      await send(setup, annText('No daemon 3')),
      await send(setup, annCall('call-no-daemon', 'missed')),
    ];
    // Nothing waited on a daemon that is not there (a hung D-Bus call takes 2 s each).
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(meanwhile.every((id) => setup.decisions.includes(id))).toBe(true);
    expect(tracked.popups.size).toBe(0);
    const items = await companion.listNotifications({ limit: 50 });
    const byId = new Map(items.map((item) => [item.id, item]));
    expect(meanwhile.slice(0, 4).map((id) => byId.get(id)?.title)).toEqual([
      "New text on Jordan's line",
      'Missed call from Ann Lee',
      'New text on Support Line',
      "New text on Jordan's line",
    ]);
    expect(items.filter((item) => item.title === 'Desktop pop-ups are unavailable')).toHaveLength(
      1,
    );
    expect(unavailable(companion.health.get())).toHaveLength(1);
    expect(said.every((count) => count === 1)).toBe(true);
    // Each decision announced once, though the texts' group was painted twice meanwhile.
    expect(
      setup.decisions.filter(
        (id) => setup.decisions.indexOf(id) !== setup.decisions.lastIndexOf(id),
      ),
    ).toEqual([]);

    const dunst = await setup.startDunst();
    await waitForValue(companion.health, (notices) => unavailable(notices).length === 0, 'clear');
    // A kind with no group open: a text would join the texts' group of a moment ago.
    await send(setup, {
      kind: 'voicemail',
      lineId: demoLines.jordan.id,
      from: '+14155552631',
      contactName: 'Ann Lee',
      durationSeconds: 42,
      transcript: 'After the daemon',
    });
    await tracked.changed.until(() => tracked.popups.size === 1, 'the first pop-up', 10_000);
    const history = await dunst.history();
    expect(history.map((entry) => [entry.summary, entry.body])).toEqual([
      ["Voicemail on Jordan's line", 'Ann Lee · +1 415 555 2631 (0:42): After the daemon'],
    ]);
  });
});
