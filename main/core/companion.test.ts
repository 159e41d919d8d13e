import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../service';
import type { ActivityItem, Decision } from '../../common';
import { createCompanion, type CompanionOptions } from './companion';
import { CompanionError, type Companion } from './companion-api';
import { createCondition, waitForValue } from '../../test/support/wait-for';
import { createRecordingLogger } from '../../test/support/recording-logger';
import { RecordingNotifier } from '../../test/support/recording-notifier';
import { createSystemClock, type Clock, type TimerHandle } from './ports';
import { cleanupAfterEach } from '../../test/support/cleanups';

const jordan = { id: 'user-jordan', token: 'demo-token-jordan' };
const { defer, temporaryFolder } = cleanupAfterEach('ringside-companion-');

async function service(): Promise<RunningService> {
  const running = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
  defer(() => running.close());
  return running;
}

/** The system clock moved by `offset` milliseconds (real timers): a quiet-hours boundary soon. */
class ShiftedClockFake implements Clock {
  readonly #inner = createSystemClock();
  offset = 0;
  now(): number {
    return this.#inner.now() + this.offset;
  }
  setTimeout(callback: () => void, milliseconds: number): TimerHandle {
    return this.#inner.setTimeout(callback, milliseconds);
  }
  clearTimeout(handle: TimerHandle): void {
    this.#inner.clearTimeout(handle);
  }
}

/**
 * The system clock whose timers longer than `limit` never fire (a fault through the clock port):
 * what waits that long (sync's retry backoff) waits forever.
 */
class HeldLongTimersClockFake implements Clock {
  readonly #inner = createSystemClock();
  #nextHeld = -1;
  held = 0;
  constructor(readonly limit: number) {}
  now(): number {
    return this.#inner.now();
  }
  setTimeout(callback: () => void, milliseconds: number): TimerHandle {
    if (milliseconds <= this.limit) return this.#inner.setTimeout(callback, milliseconds);
    this.held += 1;
    return { id: this.#nextHeld-- };
  }
  clearTimeout(handle: TimerHandle): void {
    if (handle.id >= 0) this.#inner.clearTimeout(handle);
  }
}

/** The system clock, counting the timers alive right now (to prove re-plans do not pile up). */
class CountingClockFake implements Clock {
  readonly #inner = createSystemClock();
  readonly live = new Set<number>();
  now(): number {
    return this.#inner.now();
  }
  setTimeout(callback: () => void, milliseconds: number): TimerHandle {
    const handle = this.#inner.setTimeout(() => {
      this.live.delete(handle.id);
      callback();
    }, milliseconds);
    this.live.add(handle.id);
    return handle;
  }
  clearTimeout(handle: TimerHandle): void {
    this.live.delete(handle.id);
    this.#inner.clearTimeout(handle);
  }
}

function companionFor(
  running: RunningService,
  overrides: Partial<CompanionOptions> & { dataDir?: string } = {},
) {
  const notifier = new RecordingNotifier();
  const logger = createRecordingLogger();
  const decisions: Array<{ item: ActivityItem; decision: Decision }> = [];
  const decided = createCondition();
  const companion: Companion = createCompanion({
    dataDir: overrides.dataDir ?? temporaryFolder(),
    serviceUrl: running.url,
    token: jordan.token,
    notifier,
    clock: createSystemClock(),
    logger,
    backoff: { initialMilliseconds: 20, maximumMilliseconds: 200 },
    coalesceWindowMilliseconds: 0,
    ...overrides,
  });
  companion.onDecision((item, decision) => {
    decisions.push({ item, decision });
    decided.signal();
  });
  defer(() => companion.stop());
  return { companion, notifier, logger, decisions, decided };
}

function call(callId: string, lineId = 'line-jordan') {
  return {
    kind: 'call',
    lineId,
    from: '+14155550123',
    contactName: 'Ann Lee',
    callId,
    state: 'ringing',
  };
}

async function connected(companion: Companion): Promise<void> {
  await waitForValue(companion.connection, (state) => state.status === 'connected');
}

describe('createCompanion against the stand-in service', () => {
  it('pops up a call injected through the service, and lists it in Activity', async () => {
    const running = await service();
    const { companion, notifier, decisions, decided } = companionFor(running);
    await companion.start();
    await connected(companion);
    const session = await companion.getSession();
    expect(session.profile.user.id).toBe(jordan.id);
    running.inject(jordan.id, call('call-1'));
    await decided.until(() => decisions.length === 1, 'the decision');
    await notifier.waitFor((popup) => popup.title.includes("Jordan's line"), 'the pop-up');
    expect(decisions[0]?.decision.deliveries.map((entry) => entry.channel)).toContain('desktop');
    const activity = await companion.listActivity({ limit: 10 });
    expect(activity.map((item) => item.kind)).toEqual(['call']);
    const diagnosis = await companion.diagnose({ alertType: 'callPersonal' });
    expect(diagnosis.wouldAlert).toBe(true);
  });

  it('mutes a line through sync (visible to the service) and the policy then keeps it quiet', async () => {
    const running = await service();
    const { companion, decisions, decided } = companionFor(running);
    await companion.start();
    await connected(companion);
    const snapshot = await companion.muteLine({ lineId: 'line-jordan', duration: 'oneHour' });
    expect(snapshot.preferences.mutes.lines).toEqual([
      { lineId: 'line-jordan', until: expect.any(String) as string },
    ]);
    running.inject(jordan.id, call('call-muted'));
    await decided.until(() => decisions.length === 1, 'the decision');
    expect(decisions[0]?.decision.suppressed).toContainEqual(
      expect.objectContaining({ channel: 'desktop', code: 'lineMuted' }),
    );
    await waitForValue(
      companion.sync,
      (status) => status.status === 'synced' && status.at !== null,
    );
    const response = await fetch(`${running.url}/api/preferences`, {
      headers: { authorization: `Bearer ${jordan.token}` },
    });
    const body = (await response.json()) as { preferences: { mutes: { lines: unknown[] } } };
    expect(body.preferences.mutes.lines).toHaveLength(1);
    const unmuted = await companion.unmuteLine({ lineId: 'line-jordan' });
    expect(unmuted.preferences.mutes.lines).toEqual([]);
  });

  it('answers refusals with CompanionError: role, unknown line, invalid arguments', async () => {
    const running = await service();
    const { companion } = companionFor(running);
    await companion.start();
    await connected(companion);
    const snapshot = await companion.getPreferences();
    await expect(
      companion.updateBusinessDefaults({ defaults: snapshot.business }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      companion.muteLine({ lineId: 'line-nobody', duration: 'oneHour' }),
    ).rejects.toMatchObject({ code: 'notFound' });
    await expect(companion.listActivity({ limit: 100_000 })).rejects.toBeInstanceOf(CompanionError);
    expect(await companion.openExternal({ url: 'https://example.com/' })).toEqual({
      opened: false,
    });
  });

  it('a wrong token is refused with the reason and no retry; calls say so', async () => {
    const running = await service();
    const { companion } = companionFor(running, { token: 'demo-token-nobody' });
    await companion.start();
    expect(companion.connection.get()).toMatchObject({ status: 'refused' });
    await expect(companion.getSession()).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('sends sample notifications: desktop locally, email through the service outbox', async () => {
    const running = await service();
    const { companion, notifier } = companionFor(running);
    await companion.start();
    await connected(companion);
    const desktop = await companion.sendTestNotification({ channel: 'desktop' });
    expect(desktop).toMatchObject({ channel: 'desktop', delivered: true });
    // Raised through delivery: shown now, or right after the reconnect backlog is summarised.
    await notifier.waitFor((popup) => popup.itemId.startsWith('local:test:'), 'the sample pop-up');
    const email = await companion.sendTestNotification({ channel: 'email' });
    expect(email).toMatchObject({ channel: 'email', delivered: true });
  });

  it('resumes after a restart from the persisted sequence: missed events once, old ones never', async () => {
    const running = await service();
    const dataDir = temporaryFolder();
    const first = companionFor(running, { dataDir });
    await first.companion.start();
    await connected(first.companion);
    running.inject(jordan.id, call('call-a'));
    await first.decided.until(() => first.decisions.length === 1, 'first decision');
    await first.companion.stop();
    running.inject(jordan.id, call('call-b'));
    running.inject(jordan.id, call('call-c'));
    const second = companionFor(running, { dataDir });
    await second.companion.start();
    await second.decided.until(() => second.decisions.length === 2, 'the missed events');
    expect(second.decisions.map((entry) => entry.item.eventId)).toHaveLength(2);
    const activity = await second.companion.listActivity({ limit: 10 });
    expect(activity).toHaveLength(3);
    expect(new Set(activity.map((item) => item.eventId)).size).toBe(3);
  });

  it('follows presence: a ring-group call while on another call stays quiet (Fisher Mode off)', async () => {
    const running = await service();
    const { companion, decisions, decided } = companionFor(running);
    await companion.start();
    await connected(companion);
    running.setPresence(jordan.id, true);
    // Same socket, in order: the presence message is applied before the call arrives.
    running.inject(jordan.id, call('call-group-1', 'line-support'));
    await decided.until(() => decisions.length === 1, 'the decision');
    expect(decisions[0]?.decision.suppressed).toContainEqual(
      expect.objectContaining({ channel: 'desktop', code: 'onAnotherCall' }),
    );
    running.setPresence(jordan.id, false);
    running.inject(jordan.id, call('call-group-2', 'line-support'));
    await decided.until(() => decisions.length === 2, 'the second decision');
    expect(decisions[1]?.decision.deliveries.map((entry) => entry.channel)).toContain('desktop');
  });

  it('starts offline from the cached profile and preferences, and says it is reconnecting', async () => {
    const running = await service();
    const dataDir = temporaryFolder();
    const first = companionFor(running, { dataDir });
    await first.companion.start();
    await connected(first.companion);
    await first.companion.stop();
    const url = running.url;
    await running.close();
    const offline = companionFor(running, { dataDir, serviceUrl: url });
    await offline.companion.start();
    const session = await offline.companion.getSession();
    expect(session.profile.user.id).toBe(jordan.id);
    expect((await offline.companion.getPreferences()).preferences.timeZone).toBeTruthy();
    await waitForValue(offline.companion.connection, (state) => state.status === 'reconnecting');
  });

  it('replan() is idempotent: twice on resume leaves the same timers as once', async () => {
    const running = await service();
    const clock = new CountingClockFake();
    const { companion } = companionFor(running, { clock });
    await companion.start();
    await connected(companion);
    await companion.muteLine({ lineId: 'line-jordan', duration: 'oneHour' });
    companion.replan('resume');
    const once = clock.live.size;
    companion.replan('resume');
    expect(clock.live.size).toBe(once);
  });
  it('sends an edit made offline as soon as the socket is back, not at the next sync retry', async () => {
    const first = await service();
    const { port, databasePath } = first;
    // Sync retries wait at least 250 ms; the socket's backoff here is at most 200 ms. Holding the
    // longer timers leaves the reconnect as the only way the edit can reach the service.
    const clock = new HeldLongTimersClockFake(200);
    const { companion } = companionFor(first, { clock });
    await companion.start();
    await connected(companion);
    await first.close();
    await waitForValue(companion.connection, (state) => state.status !== 'connected');
    await companion.muteLine({ lineId: 'line-jordan', duration: 'untilUnmuted' });
    await waitForValue(companion.sync, (status) => status.status === 'offline');
    expect(clock.held).toBeGreaterThan(0);
    const again = await startService({ port, databasePath });
    defer(() => again.close());
    await connected(companion);
    await waitForValue(companion.sync, (status) => status.status === 'synced');
    const response = await fetch(`${again.url}/api/preferences`, {
      headers: { authorization: `Bearer ${jordan.token}` },
    });
    const body = (await response.json()) as { preferences: { mutes: { lines: unknown[] } } };
    expect(body.preferences.mutes.lines).toEqual([{ lineId: 'line-jordan', until: null }]);
  });

  it('re-publishes the preferences when quiet hours start, so the tray and window re-render', async () => {
    const running = await service();
    const clock = new ShiftedClockFake();
    const { companion } = companionFor(running, { clock });
    await companion.start();
    await connected(companion);
    // 20:00 UTC (the default evening window) three seconds from now on the shifted clock.
    const boundary = Date.parse('2026-11-23T20:00:00Z');
    clock.offset = boundary - 3_000 - Date.now();
    const current = await companion.getPreferences();
    await companion.updatePreferences({
      preferences: {
        ...current.preferences,
        timeZone: 'UTC',
        quietHours: { ...current.preferences.quietHours, enabled: true },
      },
    });
    await waitForValue(companion.sync, (status) => status.status === 'synced');
    const settled = companion.preferences.get();
    expect(clock.now()).toBeLessThan(boundary);
    const republished = await waitForValue(
      companion.preferences,
      (snapshot) => snapshot !== settled,
      'the preferences published again at the boundary',
    );
    expect(clock.now()).toBeGreaterThanOrEqual(boundary);
    expect(republished).toEqual(settled);
  });

  it('remembers the newest billing period across a restart: an old period stays quiet', async () => {
    const running = await service();
    const dataDir = temporaryFolder();
    const usage = (periodId: string, usedMinutes: number) => ({
      kind: 'usage',
      periodId,
      usedMinutes,
      includedMinutes: 1000,
    });
    const first = companionFor(running, { dataDir });
    await first.companion.start();
    await connected(first.companion);
    running.inject(jordan.id, usage('period-december', 100), '2026-12-01T10:00:00.000Z');
    await first.decided.until(() => first.decisions.length === 1, 'the usage update');
    await first.companion.stop();

    const second = companionFor(running, { dataDir });
    await second.companion.start();
    await connected(second.companion);
    // A late 95 % for November, sent before December's first update, then a call as a marker.
    running.inject(jordan.id, usage('period-november', 950), '2026-11-30T10:00:00.000Z');
    running.inject(jordan.id, call('call-after-usage'));
    await second.decided.until(
      () => second.decisions.some((entry) => entry.item.kind === 'call'),
      'the call after the late usage update',
    );
    expect(second.decisions.map((entry) => entry.item.kind)).toEqual(['usage', 'call']);
  });
});
