import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  ActivityItem,
  CatchUpProgress,
  ConnectionState,
  HealthNotice,
  PreferencesSnapshot,
  Profile,
  SyncStatus,
} from '../common';
import { createSystemClock, ObservableValue, type Logger } from '../main/core/ports';
import { openSession } from '../main/core/session';
import { startService } from '../service';
import { cleanupAfterEach } from './support/cleanups';
import { startHarness } from './support/companion-harness';
import { startProtocolServer } from './support/protocol-server';
import { createRecordingLogger } from './support/recording-logger';
import { RecordingNotifier } from './support/recording-notifier';
import { callApi } from './support/service-test-client';
import { createCondition, waitForValue } from './support/wait-for';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-edge-');

/** The protocol server's one user, as the service would describe them. */
const profile: Profile = {
  user: {
    id: 'user-1',
    name: 'Robin Test',
    email: 'robin@example.com',
    role: 'agent',
    backupPhone: null,
    personalLineId: 'line-1',
  },
  business: { id: 'biz-1', name: 'Test business' },
  lines: [
    {
      id: 'line-1',
      name: "Robin's line",
      number: '+14155550111',
      ringGroupId: null,
      ownerUserId: 'user-1',
    },
  ],
  ringGroups: [],
  team: [],
};

function text(id: string) {
  return {
    id,
    kind: 'text' as const,
    occurredAt: new Date().toISOString(),
    lineId: 'line-1',
    from: '+14155550100',
    contactName: 'Ann Lee',
    body: `Text ${id}`,
  };
}

describe('edges of the event path', () => {
  it('refuses an event addressed to another user: counted and logged, never recorded or shown', async () => {
    const server = await startProtocolServer({ tokens: ['token-1'], userId: 'user-1' });
    defer(() => server.close());
    const logger = createRecordingLogger();
    const logged = createCondition();
    const signalling: Logger = {
      ...logger,
      warn: (message, fields) => {
        logger.warn(message, fields);
        logged.signal();
      },
    };
    const notifier = new RecordingNotifier();
    const decided: ActivityItem[] = [];
    const changed = createCondition();
    const unread = new ObservableValue<number>(0);
    const session = openSession({
      dataDir: temporaryFolder(),
      serviceUrl: server.url,
      token: 'token-1',
      notifier,
      clock: createSystemClock(),
      logger: signalling,
      coalesceWindowMilliseconds: 0,
      profile,
      fresh: false,
      views: {
        connection: new ObservableValue<ConnectionState>({ status: 'connecting' }),
        sync: new ObservableValue<SyncStatus>({ status: 'synced', at: null }),
        preferences: new ObservableValue<PreferencesSnapshot | null>(null),
        health: new ObservableValue<HealthNotice[]>([]),
        unread,
        catchUp: new ObservableValue<CatchUpProgress | null>(null),
        decided: (item) => {
          decided.push(item);
          changed.signal();
        },
        updated: () => undefined,
        openItem: () => undefined,
        popupCommand: () => undefined,
      },
    });
    defer(() => session.close());
    await session.start();
    const refused = () =>
      logger.lines.filter((line) => line.message === 'Refused an event addressed to another user');
    server.publish(text('for-taylor'), 'user-taylor');
    await logged.until(() => refused().length === 1, 'the refusal logged');
    expect(refused()[0]?.fields).toMatchObject({
      eventId: 'for-taylor',
      userId: 'user-taylor',
      refused: 1,
    });
    server.publish(text('for-robin'));
    await changed.until(() => decided.length === 1, 'the next event decided');
    expect(decided.map((item) => item.eventId)).toEqual(['for-robin']);
    expect(session.activity(10).map((item) => item.eventId)).toEqual(['for-robin']);
    expect(session.notifications(10).map((item) => item.eventId)).toEqual(['for-robin']);
    expect(notifier.shown.map((popup) => popup.itemId)).toEqual(['for-robin']);
  });

  it('a test notification pushed by the service during do-not-disturb is held like a real alert, and says so', async () => {
    const service = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
    defer(() => service.close());
    const harness = startHarness({
      dataDir: temporaryFolder(),
      serviceUrl: service.url,
      token: service.tokens.jordan ?? '',
      clock: createSystemClock(),
      backoff: { initialMilliseconds: 20, maximumMilliseconds: 200 },
      coalesceWindowMilliseconds: 0,
    });
    defer(() => harness.companion.stop());
    await harness.companion.start();
    await waitForValue(harness.companion.connection, (state) => state.status === 'connected');
    await harness.companion.setDoNotDisturb({ duration: 'untilUnmuted' });
    const pushed = await callApi(
      service.url,
      service.tokens.jordan ?? '',
      'POST',
      '/api/test-notification',
      {
        channel: 'desktop',
      },
    );
    expect(pushed.body).toMatchObject({ channel: 'desktop', delivered: true });
    await waitForValue(harness.companion.unread, (count) => count >= 1, 'the sample listed');
    const [item] = await harness.companion.listNotifications({ limit: 10 });
    expect(item?.quietReason).toMatch(
      /^Do not disturb is on.*: real alerts would be held the same way$/,
    );
    expect(harness.notifier.shown).toEqual([]);
    // Asked for in the window: the same path, the same answer.
    const result = await harness.companion.sendTestNotification({ channel: 'desktop' });
    expect(result).toMatchObject({ channel: 'desktop', delivered: false });
    expect(result.reason).toMatch(/real alerts would be held the same way$/);
    expect(harness.notifier.shown).toEqual([]);
    // The service rate-limits them: a second one for the channel within 10 s is refused.
    const again = await callApi(
      service.url,
      service.tokens.jordan ?? '',
      'POST',
      '/api/test-notification',
      {
        channel: 'desktop',
      },
    );
    expect(again.status).toBe(429);
    expect(again.body).toMatchObject({ error: 'rateLimited' });
    // With do-not-disturb off, the sample pops up and says it was shown.
    await harness.companion.setDoNotDisturb({ duration: null });
    const shown = await harness.companion.sendTestNotification({ channel: 'desktop' });
    expect(shown).toEqual({ channel: 'desktop', delivered: true, destination: null, reason: null });
    expect(harness.notifier.shown).toHaveLength(1);
  });
});
