import { describe, expect, it } from 'vitest';
import {
  accountAlertTypes,
  alertTypes,
  channels,
  isAccountAlertType,
  isInterruptingChannel,
  isRecipientAlertType,
  userAlertTypes,
  type AlertType,
  type Channel,
} from '../alert-types';
import { defaultBusinessDefaults, defaultUserPreferences } from '../defaults';
import type { AlertEvent } from '../events';
import { userChannelOn } from '../preferences';
import { weekdays } from '../time-zone';
import { reasonCodes, recipientContext, type Line, type RecipientContext } from './context';
import { decide } from './decide';
import {
  demoUserId,
  leadEvent,
  lineEvent,
  personalLine,
  salesLine,
  sampleEvent,
  supportGroup,
  supportLine,
  type LineEventKind,
} from '../../test/support/demo-business';
import { diagnose } from './diagnose';
import {
  activeUntil,
  effectiveLeadThreshold,
  isLineChosen,
  lockHoldingOn,
  quietWindowEnd,
  recipientEntry,
} from './gates';

/**
 * Property-style checks: many generated contexts, each well-typed but often odd (no lines, an
 * unknown line, expired or unparsable mute ends, thresholds at 0 and 100, a time zone that does
 * not exist, a clock reading that is not a number). A seeded generator keeps failures repeatable.
 */

function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = ReturnType<typeof seededRandom>;

const pick = <Value>(random: Random, values: readonly Value[]): Value => {
  const value = values[Math.floor(random() * values.length)];
  if (value === undefined) throw new Error('pick from an empty list');
  return value;
};
const chance = (random: Random, probability = 0.5) => random() < probability;
const subset = <Value>(random: Random, values: readonly Value[]) =>
  values.filter(() => chance(random));

const timeZones = [
  'America/New_York',
  'Europe/London',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'UTC',
  'Not/AZone',
  '',
];
const clocks = ['00:00', '06:30', '07:00', '12:00', '20:00', '23:59', '25:99', 'noon'];
const start2026 = Date.parse('2026-01-01T00:00:00Z');
const year = 365 * 24 * 60 * 60 * 1000;
const extraLine: Line = {
  id: 'line-extra',
  name: 'Extra Line',
  number: '+12025550199',
  ringGroupId: null,
  ownerUserId: null,
};

function instant(random: Random, now: number): string | null {
  return pick(random, [
    null,
    new Date(Number.isFinite(now) ? now - 60_000 : start2026).toISOString(),
    new Date(Number.isFinite(now) ? now + 3_600_000 : start2026).toISOString(),
    new Date(Number.isFinite(now) ? now + 3 * 86_400_000 : start2026).toISOString(),
    'not a date',
  ]);
}

function generateContext(random: Random): RecipientContext {
  const now = chance(random, 0.03) ? Number.NaN : start2026 + Math.floor(random() * year);
  const preferences = defaultUserPreferences(pick(random, timeZones));
  for (const type of userAlertTypes) {
    preferences.alerts[type] = chance(random, 0.8);
    for (const channel of channels) preferences.alertChannels[type][channel] = chance(random, 0.7);
  }
  for (const type of accountAlertTypes) preferences.accountAlerts[type] = chance(random, 0.8);
  preferences.fisherMode = chance(random);
  preferences.lines = {
    personalLine: chance(random, 0.8),
    otherLineIds: subset(random, [supportLine.id, salesLine.id, 'line-unknown']),
  };
  preferences.channels = {
    desktop: chance(random, 0.8),
    inApp: chance(random, 0.8),
    email: {
      enabled: chance(random, 0.8),
      address: pick(random, [null, 'alerts@example.com', 'not an address']),
    },
    text: {
      enabled: chance(random, 0.7),
      useCustomNumber: chance(random),
      customNumber: pick(random, [null, '+12025550123']),
    },
  };
  preferences.leadScoreThreshold = pick(random, [0, 100, Math.floor(random() * 101)]);
  preferences.mutes = {
    lines: subset(random, [personalLine.id, supportLine.id, 'line-unknown']).map((lineId) => ({
      lineId,
      until: instant(random, now),
    })),
    doNotDisturb: { enabled: chance(random, 0.3), until: instant(random, now) },
  };
  preferences.quietHours = {
    enabled: chance(random),
    windows: Array.from({ length: Math.floor(random() * 4) }, () => ({
      day: pick(random, weekdays),
      start: pick(random, clocks),
      end: pick(random, clocks),
    })),
    breakThrough: subset(random, alertTypes),
  };

  const business = defaultBusinessDefaults();
  for (const type of alertTypes) {
    business.alerts[type].enabled = chance(random, 0.85);
    for (const channel of channels) business.alerts[type].channels[channel] = chance(random, 0.85);
  }
  for (const channel of channels) business.allowedChannels[channel] = chance(random, 0.9);
  // Mandatory channels as an admin can set them: only where the type is on, the channel on for it
  // and allowed, and by email alone for account alerts (`businessDefaultsSchema` refuses others).
  for (const type of alertTypes) {
    const entry = business.alerts[type];
    for (const channel of channels) {
      const possible =
        entry.enabled &&
        entry.channels[channel] &&
        business.allowedChannels[channel] &&
        (!isAccountAlertType(type) || channel === 'email');
      entry.mandatory[channel] = possible && chance(random, 0.25);
    }
  }
  business.recipients = subset(random, [demoUserId, 'user-ben']).map((userId) => ({
    userId,
    channels: {
      desktop: chance(random),
      inApp: chance(random),
      email: chance(random),
      text: chance(random),
    },
    leadScoreThreshold: pick(random, [0, 100, Math.floor(random() * 101)]),
  }));

  return recipientContext({
    user: {
      id: demoUserId,
      role: pick(random, ['agent', 'admin', 'billingAdmin'] as const),
      email: pick(random, [null, 'ana@example.com']),
      backupPhone: pick(random, [null, '+14155552673']),
      personalLineId: pick(random, [personalLine.id, personalLine.id, null, 'line-unknown']),
    },
    lines: subset(random, [personalLine, supportLine, salesLine, extraLine]),
    ringGroups: chance(random, 0.7) ? [supportGroup] : [],
    onCall: chance(random),
    preferences,
    business,
    now,
  });
}

const lineKinds: LineEventKind[] = ['call', 'text', 'voicemail', 'fax', 'highSms'];

function generateEvent(random: Random): AlertEvent {
  switch (Math.floor(random() * 4)) {
    case 0:
      return lineEvent(
        pick(random, lineKinds),
        pick(random, [personalLine.id, supportLine.id, salesLine.id, extraLine.id, 'line-unknown']),
      );
    case 1:
      return leadEvent(Math.floor(random() * 101), pick(random, ['new', 'updated'] as const));
    case 2:
      return { ...lineEvent('call', supportLine.id), state: 'ended' } as AlertEvent;
    default:
      return sampleEvent(pick(random, alertTypes));
  }
}

const runs = 3000;
/** Business and user combinations for the two properties issue 13 names. */
const combinations = 10_000;

/** The lock that holds `type` on `channel` for this context, if any. */
const locked = (context: RecipientContext, type: AlertType, channel: Channel) =>
  lockHoldingOn(type, channel, context) !== null;

describe('decide over generated contexts', () => {
  const random = seededRandom(20261122);
  const cases = Array.from({ length: runs }, () => ({
    context: generateContext(random),
    event: generateEvent(random),
  }));

  it('never throws, and every channel is delivered or suppressed exactly once', () => {
    for (const { context, event } of cases) {
      const decision = decide(event, context);
      const seen = [
        ...decision.deliveries.map((delivery) => delivery.channel),
        ...decision.suppressed.map((suppression) => suppression.channel),
      ].sort();
      expect(seen).toEqual([...channels].sort());
      for (const suppression of decision.suppressed) {
        expect(reasonCodes).toContain(suppression.code);
        expect(suppression.explanation.length).toBeGreaterThan(0);
      }
    }
  });

  it('is deterministic: the same input gives the same decision, and the input is not changed', () => {
    for (const { context, event } of cases) {
      const before = JSON.stringify(context);
      const first = decide(event, context);
      expect(JSON.stringify(context)).toBe(before);
      expect(decide(event, context)).toEqual(first);
      expect(decide(structuredClone(event), structuredClone(context))).toEqual(first);
    }
  });

  it('never delivers past a rule that forbids it', () => {
    for (const { context, event } of cases) {
      const decision = decide(event, context);
      const type = decision.alertType;
      const deliveredChannels = decision.deliveries.map((delivery) => delivery.channel);
      if (type === null) {
        expect(deliveredChannels).toEqual([]);
        continue;
      }
      const dnd = context.preferences.mutes.doNotDisturb;
      const lead = event.kind === 'lead' ? event.score : null;
      const line = context.lines.find((candidate) => candidate.id === decision.lineId);
      for (const delivery of decision.deliveries) {
        const channel: Channel = delivery.channel;
        expect(context.business.alerts[type].enabled).toBe(true);
        expect(context.business.allowedChannels[channel]).toBe(true);
        expect(context.business.alerts[type].channels[channel]).toBe(true);
        // The user's own switches hold, or the business made the channel mandatory for them.
        const lock = locked(context, type, channel);
        expect(userChannelOn(context.preferences.channels, channel) || lock).toBe(true);
        expect(delivery.lock !== undefined).toBe(lock);
        if (isAccountAlertType(type)) {
          expect(channel).toBe('email');
          expect(context.role).not.toBe('agent');
          expect(context.preferences.accountAlerts[type] || lock).toBe(true);
        } else {
          expect(context.preferences.alerts[type] || lock).toBe(true);
          expect(context.preferences.alertChannels[type][channel] || lock).toBe(true);
        }
        if (channel === 'email' || channel === 'text') expect(delivery.destination).not.toBeNull();
        if (isRecipientAlertType(type)) {
          expect(recipientEntry(context)?.channels[channel]).toBe(true);
        }
        if (lead !== null)
          expect(lead).toBeGreaterThanOrEqual(effectiveLeadThreshold(context).threshold);
        if (line) expect(isLineChosen(line, context)).toBe(true);
        if (isInterruptingChannel(channel)) {
          expect(dnd.enabled && activeUntil(dnd.until, context.now)).toBe(false);
          const muted = context.preferences.mutes.lines.some(
            (mute) => mute.lineId === decision.lineId && activeUntil(mute.until, context.now),
          );
          expect(muted).toBe(false);
          if (!context.preferences.quietHours.breakThrough.includes(type)) {
            expect(quietWindowEnd(context)).toBeNull();
          }
          if (type === 'callRingGroup' && context.onCall) {
            expect(context.preferences.fisherMode).toBe(true);
          }
        }
      }
      if (type === 'billingWarning' && deliveredChannels.length > 0) {
        expect(context.role).toBe('billingAdmin');
      }
    }
  });

  it('diagnose never throws and lists every channel decide delivers through', () => {
    for (const { context, event } of cases.slice(0, 600)) {
      const decision = decide(event, context);
      for (const type of alertTypes) {
        const diagnosis = diagnose(type, context);
        expect(diagnosis.wouldAlert).toBe(diagnosis.channels.length > 0);
        if (type !== decision.alertType) continue;
        const diagnosed = diagnosis.channels.map((delivery) => delivery.channel);
        for (const delivery of decision.deliveries) expect(diagnosed).toContain(delivery.channel);
      }
    }
  });

  it('covers the odd cases it claims to', () => {
    const has = (test: (context: RecipientContext) => boolean) =>
      cases.some(({ context }) => test(context));
    expect(has((context) => context.lines.length === 0)).toBe(true);
    expect(has((context) => context.preferences.timeZone === 'Not/AZone')).toBe(true);
    expect(has((context) => Number.isNaN(context.now))).toBe(true);
    expect(has((context) => context.preferences.leadScoreThreshold === 0)).toBe(true);
    expect(has((context) => context.preferences.leadScoreThreshold === 100)).toBe(true);
    expect(
      has((context) =>
        context.preferences.mutes.lines.some((mute) => !activeUntil(mute.until, context.now)),
      ),
    ).toBe(true);
    const types = new Set<AlertType | null>(
      cases.map(({ context, event }) => decide(event, context).alertType),
    );
    for (const type of alertTypes) expect(types).toContain(type);
    expect(types).toContain(null);
  });
});

describe(`${combinations} random business and user combinations (issue 13)`, () => {
  const random = seededRandom(20261313);
  const cases = Array.from({ length: combinations }, () => ({
    context: generateContext(random),
    event: generateEvent(random),
  }));

  it('never delivers what the business turned off, mandatory or not', () => {
    let delivered = 0;
    let mandatory = 0;
    for (const { context, event } of cases) {
      const decision = decide(event, context);
      const type = decision.alertType;
      for (const { channel, lock } of decision.deliveries) {
        if (type === null) throw new Error('a delivery without an alert type');
        delivered += 1;
        if (lock) mandatory += 1;
        expect(context.business.alerts[type].enabled).toBe(true);
        expect(context.business.allowedChannels[channel]).toBe(true);
        expect(context.business.alerts[type].channels[channel]).toBe(true);
        if (isRecipientAlertType(type)) {
          expect(recipientEntry(context)?.channels[channel]).toBe(true);
        }
        if (isAccountAlertType(type)) expect(context.role).not.toBe('agent');
      }
    }
    // Not vacuous: many deliveries, and mandatory ones among them.
    expect(delivered).toBeGreaterThan(1000);
    expect(mandatory).toBeGreaterThan(100);
  });

  it("never lets the user's own switches hold back a mandatory channel", () => {
    const own = ['typeOffByUser', 'channelOffByUser', 'channelOffForTypeByUser'];
    let lockedSuppressions = 0;
    for (const { context, event } of cases) {
      const decision = decide(event, context);
      if (decision.alertType === null) continue;
      for (const suppression of decision.suppressed) {
        if (!locked(context, decision.alertType, suppression.channel)) continue;
        lockedSuppressions += 1;
        expect(own).not.toContain(suppression.code);
      }
    }
    expect(lockedSuppressions).toBeGreaterThan(0);
  });

  it('delivers every mandatory channel to an eligible recipient, whatever their own switches say', () => {
    let checked = 0;
    for (const { context } of cases) {
      // Eligible: nothing but the user's own switches between them and the alert — lines chosen,
      // a destination, no mute, do-not-disturb, quiet hours or other call, any lead scores.
      context.preferences.lines = {
        personalLine: true,
        otherLineIds: [supportLine.id, salesLine.id],
      };
      context.preferences.channels.email.address = 'ana@example.com';
      context.backupPhone = '+14155552673';
      context.preferences.mutes = { lines: [], doNotDisturb: { enabled: false, until: null } };
      context.preferences.quietHours.enabled = false;
      context.preferences.leadScoreThreshold = 0;
      for (const entry of context.business.recipients) entry.leadScoreThreshold = 0;
      context.onCall = false;
      for (const lock of context.locks) {
        const [root, type, channel] = lock.field.split('.') as [string, AlertType, Channel?];
        const lockedChannel: Channel = root === 'accountAlerts' ? 'email' : (channel ?? 'email');
        const decision = decide(sampleEvent(type), context);
        // Who receives is the business's and the phone system's: no line of that kind, no alert.
        if (decision.alertType !== type) continue;
        checked += 1;
        expect(
          decision.deliveries.find((delivery) => delivery.channel === lockedChannel)?.lock,
        ).toMatchObject({ source: 'business' });
      }
    }
    expect(checked).toBeGreaterThan(combinations / 2);
  });
});
