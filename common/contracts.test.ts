import { describe, expect, it } from 'vitest';
import * as common from './index';
import {
  invokeCalls,
  mainEventChannels,
  muteDurationSchema,
  rendererMessages,
} from './ipc-contract';
import { decide } from './policy/decide';
import { reportDeliveries } from './delivery-report';
import { openContext, sampleEvent, supportLine } from '../test/support/demo-business';
import { defaultBusinessDefaults, defaultUserPreferences } from './defaults';
import {
  apiErrorSchema,
  eventPageSchema,
  injectEventBodySchema,
  injectEventResultSchema,
  outboxEntrySchema,
  profileSchema,
  putBusinessDefaultsBodySchema,
  putPreferencesBodySchema,
  roleRefusals,
  socketAuthSchema,
  socketMessages,
  socketRefusalSchema,
  testNotificationBodySchema,
  testNotificationResultSchema,
  versionedBusinessDefaultsSchema,
  versionedPreferencesSchema,
} from './service-api';
import {
  activityItemSchema,
  connectionStateSchema,
  decisionSchema,
  healthNoticeSchema,
  inAppNotificationSchema,
  syncStatusSchema,
} from './status';
import { parseWith } from './validation';

const profile = {
  user: {
    id: 'user-ana',
    name: 'Ana Flores',
    email: 'ana@example.com',
    role: 'agent',
    backupPhone: '+14155552673',
    personalLineId: 'line-ana',
  },
  business: { id: 'business-demo', name: 'Demo Plumbing' },
  lines: [
    { ...supportLine },
    {
      id: 'line-ana',
      name: "Ana's Line",
      number: '+14155552671',
      ringGroupId: null,
      ownerUserId: 'user-ana',
    },
  ],
  ringGroups: [{ id: 'group-support', name: 'Support' }],
  team: [{ id: 'user-ben', name: 'Ben Okafor', role: 'admin' }],
};

describe('the service protocol (service-api.ts)', () => {
  it('accepts a profile and names an invalid field in it', () => {
    expect(profileSchema.safeParse(profile).success).toBe(true);
    const broken = { ...profile, user: { ...profile.user, role: 'owner', backupPhone: '555' } };
    const result = parseWith(profileSchema, broken);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((error) => error.path).sort()).toEqual([
        'user.backupPhone',
        'user.role',
      ]);
    }
  });

  it('versioned preferences and business defaults, and their PUT bodies', () => {
    const preferences = defaultUserPreferences('Europe/Berlin');
    const defaults = defaultBusinessDefaults();
    expect(versionedPreferencesSchema.safeParse({ version: 3, preferences }).success).toBe(true);
    expect(versionedPreferencesSchema.safeParse({ version: 0, preferences }).success).toBe(false);
    expect(versionedBusinessDefaultsSchema.safeParse({ version: 1, defaults }).success).toBe(true);
    expect(putPreferencesBodySchema.safeParse({ preferences }).success).toBe(true);
    expect(putPreferencesBodySchema.safeParse({ preferences, version: 2 }).success).toBe(false);
    expect(putBusinessDefaultsBodySchema.safeParse({ defaults }).success).toBe(true);
  });

  it('event injection takes a known kind for one user or everyone', () => {
    expect(
      injectEventBodySchema.safeParse({ userId: '*', event: { kind: 'mention', byName: 'Ben' } })
        .success,
    ).toBe(true);
    expect(
      injectEventBodySchema.safeParse({ userId: 'user-ana', event: { kind: 'selfDestruct' } })
        .success,
    ).toBe(false);
    expect(
      injectEventBodySchema.safeParse({ userId: '**', event: { kind: 'mention' } }).success,
    ).toBe(false);
    expect(
      injectEventResultSchema.safeParse({ events: [{ id: 'event-1', seq: 1, userId: 'user-ana' }] })
        .success,
    ).toBe(true);
  });

  it('an event page carries valid service events only', () => {
    const event = { ...sampleEvent('mention'), seq: 7, userId: 'user-ana' };
    expect(
      eventPageSchema.safeParse({ events: [event], lastSeq: 7, epoch: 'epoch-1' }).success,
    ).toBe(true);
    expect(
      eventPageSchema.safeParse({ events: [{ ...event, kind: 'bogus' }], lastSeq: 7 }).success,
    ).toBe(false);
  });

  it('errors, outbox entries and sample notifications', () => {
    expect(
      apiErrorSchema.safeParse({
        error: 'invalid',
        reason: 'leadScoreThreshold: Too big',
        fields: [{ path: 'leadScoreThreshold', message: 'Too big' }],
      }).success,
    ).toBe(true);
    expect(apiErrorSchema.safeParse({ error: 'teapot', reason: 'no' }).success).toBe(false);
    expect(roleRefusals.billingWarningsNeedBillingAdmin).toBe(
      'Only billing admins can turn on billing warnings',
    );
    expect(
      outboxEntrySchema.safeParse({
        id: 1,
        userId: 'user-ana',
        eventId: 'event-1',
        channel: 'text',
        destination: '+14155552673',
        sender: null,
        subject: null,
        body: 'New lead: Dana Reyes (80)',
        createdAt: '2026-11-23T15:00:00Z',
      }).success,
    ).toBe(true);
    expect(testNotificationBodySchema.safeParse({ channel: 'text' }).success).toBe(true);
    expect(testNotificationBodySchema.safeParse({ channel: 'fax' }).success).toBe(false);
    expect(
      testNotificationResultSchema.safeParse({
        channel: 'text',
        delivered: false,
        destination: null,
        reason: 'You have no number for text alerts and no backup phone',
      }).success,
    ).toBe(true);
  });

  it('socket handshake, refusals and every server message', () => {
    expect(
      socketAuthSchema.safeParse({ token: 't', afterSeq: 0, deviceId: 'device-1' }).success,
    ).toBe(true);
    expect(
      socketAuthSchema.safeParse({ token: '', afterSeq: -1, deviceId: 'device-1' }).success,
    ).toBe(false);
    expect(
      socketRefusalSchema.safeParse({ code: 'unauthorized', reason: 'Unknown token' }).success,
    ).toBe(true);
    expect(
      socketAuthSchema.safeParse({
        token: 't',
        afterSeq: 3,
        deviceId: 'device-1',
        protocol: 2,
        epoch: 'epoch-1',
      }).success,
    ).toBe(true);
    const samples: { [Name in keyof typeof socketMessages]: unknown } = {
      session: { epoch: 'epoch-1', replayFrom: 0, reset: true },
      replayStarted: { lastSeq: 100_000 },
      event: {
        ...sampleEvent('callRingGroup'),
        seq: 1,
        userId: 'user-ana',
        outcome: {
          deliveries: [
            { channel: 'email', status: 'sent', outboxId: 7, destination: 'ana@example.com' },
            {
              channel: 'text',
              status: 'notSent',
              code: 'channelOffByUser',
              explanation: 'Texts are off in your settings',
            },
          ],
        },
      },
      replayDone: { lastSeq: 4, replayed: 4 },
      preferencesChanged: { version: 2, preferences: defaultUserPreferences(), deviceId: null },
      businessDefaultsChanged: { version: 2, defaults: defaultBusinessDefaults() },
      presence: { onCall: true },
      testNotification: { channel: 'desktop', title: 'Test' },
      outcomeUpdated: {
        eventId: 'event-1',
        seq: 3,
        outcome: {
          deliveries: [
            { channel: 'email', status: 'digested', outboxId: 9, destination: 'ana@example.com' },
            {
              channel: 'text',
              status: 'held',
              reason: 'hourlyCap',
              digestAt: '2026-11-23T16:00:00.000Z',
              explanation: 'Held for a digest at 8:00 AM PST: 10 texts an hour reached',
            },
          ],
        },
      },
    };
    for (const [name, sample] of Object.entries(samples)) {
      const schema = socketMessages[name as keyof typeof socketMessages];
      expect(schema.safeParse(sample).success, name).toBe(true);
      expect(schema.safeParse({ nonsense: true }).success, name).toBe(false);
    }
  });
});

describe('the IPC contract (ipc-contract.ts)', () => {
  it('every call and event has its own channel name', () => {
    const names = [
      ...Object.values(invokeCalls).map((call) => call.channel),
      ...Object.values(rendererMessages).map((message) => message.channel),
      ...Object.values(mainEventChannels),
    ];
    expect(new Set(names).size).toBe(names.length);
  });

  it('validates arguments with a clear error', () => {
    expect(invokeCalls.getSession.args.safeParse(undefined).success).toBe(true);
    expect(invokeCalls.getSession.args.safeParse({ sneaky: true }).success).toBe(false);
    expect(
      invokeCalls.muteLine.args.safeParse({ lineId: 'line-support', duration: 'oneHour' }).success,
    ).toBe(true);
    const refused = parseWith(invokeCalls.muteLine.args, { lineId: '../etc', duration: 'forever' });
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.errors.map((error) => error.path).sort()).toEqual(['duration', 'lineId']);
    expect(invokeCalls.diagnose.args.safeParse({ alertType: 'leadNew' }).success).toBe(true);
    expect(invokeCalls.diagnose.args.safeParse({ alertType: 'faxRingGroup' }).success).toBe(false);
    expect(invokeCalls.setDoNotDisturb.args.safeParse({ duration: null }).success).toBe(true);
    expect(
      invokeCalls.openExternal.args.safeParse({ url: 'https://example.com/help' }).success,
    ).toBe(true);
    expect(invokeCalls.openExternal.args.safeParse({ url: 'not a url' }).success).toBe(false);
    expect(invokeCalls.listActivity.args.safeParse({ limit: 501 }).success).toBe(false);
    expect(
      invokeCalls.updatePreferences.args.safeParse({ preferences: defaultUserPreferences() })
        .success,
    ).toBe(true);
    expect(muteDurationSchema.options).toEqual([
      'oneHour',
      'untilTomorrowMorning',
      'untilUnmuted',
      'thirtyMinutes',
      'twoHours',
    ]);
    expect(invokeCalls.setDoNotDisturb.args.safeParse({ duration: 'twoHours' }).success).toBe(true);
    expect(
      invokeCalls.setDoNotDisturb.args.safeParse({ until: '2026-12-04T14:00:00.000Z' }).success,
    ).toBe(true);
    expect(invokeCalls.setDoNotDisturb.args.safeParse({ until: 'at two' }).success).toBe(false);
  });
});

describe('status values (status.ts)', () => {
  it('a real decision fits the decision schema', () => {
    const context = openContext();
    context.preferences.mutes.doNotDisturb = { enabled: true, until: null };
    const decision = decide(sampleEvent('mention'), context);
    expect(decisionSchema.parse(decision)).toEqual(decision);
    expect(
      activityItemSchema.safeParse({
        eventId: decision.eventId,
        kind: 'mention',
        title: 'Ben mentioned you',
        body: '@Ana can you take this?',
        occurredAt: '2026-11-23T15:00:00Z',
        decidedAt: context.now,
        decision,
        channels: reportDeliveries({
          decision,
          outcome: null,
          fromService: true,
          popup: null,
          notified: false,
          listed: true,
        }),
      }).success,
    ).toBe(true);
    expect(
      decisionSchema.safeParse({
        ...decision,
        suppressed: [{ channel: 'desktop', code: 'bored', explanation: '' }],
      }).success,
    ).toBe(false);
  });

  it('connection and sync states', () => {
    for (const state of [
      { status: 'connecting' },
      { status: 'connected', since: 1 },
      { status: 'reconnecting', inSeconds: 2, attempt: 1, reason: 'socket closed' },
      { status: 'offline', since: 1, reason: 'no network' },
      { status: 'refused', reason: 'Unknown token' },
    ]) {
      expect(connectionStateSchema.safeParse(state).success, state.status).toBe(true);
    }
    expect(
      connectionStateSchema.safeParse({
        status: 'reconnecting',
        inSeconds: -1,
        attempt: 0,
        reason: '',
      }).success,
    ).toBe(false);
    for (const status of [
      { status: 'synced', at: null },
      { status: 'pending', count: 2 },
      { status: 'offline', since: 1, count: 0 },
      {
        status: 'conflictResolved',
        overridden: [{ field: 'fisherMode', yours: true, theirs: false }],
        at: 1,
      },
      { status: 'error', reason: 'HTTP 500', count: 1 },
    ]) {
      expect(syncStatusSchema.safeParse(status).success, status.status).toBe(true);
    }
    expect(syncStatusSchema.safeParse({ status: 'pending', count: 0 }).success).toBe(false);
  });

  it('notifications and health notices', () => {
    expect(
      inAppNotificationSchema.safeParse({
        id: 'n-1',
        eventId: 'event-1',
        title: 'Ben mentioned you',
        body: '',
        createdAt: 1,
        read: false,
        quietReason: 'Do not disturb is on until you turn it off',
      }).success,
    ).toBe(true);
    expect(
      healthNoticeSchema.safeParse({ code: 'notifierUnavailable', message: 'No daemon' }).success,
    ).toBe(true);
    expect(healthNoticeSchema.safeParse({ code: 'other', message: '' }).success).toBe(false);
  });
});

describe('common/index.ts', () => {
  it('exports the engine, the model and the contracts from one place', () => {
    for (const name of [
      'decide',
      'diagnose',
      'reasonCodes',
      'highSmsRule',
      'activeUntil',
      'destinationFor',
      'effectiveLeadThreshold',
      'isLineChosen',
      'userPreferencesSchema',
      'businessDefaultsSchema',
      'serviceEventSchema',
      'parseWith',
      'invokeCalls',
      'socketMessages',
      'decisionSchema',
      'eventBodies',
      'channels',
    ]) {
      expect(common, name).toHaveProperty(name);
    }
  });

  it('effectiveLeadThreshold and isLineChosen answer for the demo user', () => {
    const context = openContext();
    context.preferences.leadScoreThreshold = 30;
    expect(common.effectiveLeadThreshold(context)).toEqual({ threshold: 30, setBy: 'user' });
    expect(common.isLineChosen(supportLine, context)).toBe(true);
    context.preferences.lines.otherLineIds = [];
    expect(common.isLineChosen(supportLine, context)).toBe(false);
  });
});
