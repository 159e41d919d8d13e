import { describe, expect, it } from 'vitest';
import {
  accountAlertTypes,
  alertTypes,
  channels,
  highSmsRule,
  isAccountAlertType,
  type AlertType,
  type Channel,
} from '../alert-types';
import { defaultUserPreferences } from '../defaults';
import type { AlertEvent } from '../events';
import { reasonCodes, type Decision, type ReasonCode, type RecipientContext } from './context';
import { decide } from './decide';
import {
  accountEmail,
  backupPhone,
  demoContext,
  leadEvent,
  lineEvent,
  openContext,
  personalLine,
  reportEvent,
  salesLine,
  sampleEvent,
  supportLine,
} from '../../test/support/demo-business';

const all: Channel[] = [...channels];
const records: Channel[] = ['inApp', 'email'];
const none: Channel[] = [];

function delivered(decision: Decision): Channel[] {
  return decision.deliveries.map((delivery) => delivery.channel);
}

function reasonOn(decision: Decision, channel: Channel) {
  return decision.suppressed.find((suppression) => suppression.channel === channel);
}

/**
 * One row of a rule table: an event, what to change in the open context (where everything
 * alerts), which channels must deliver and, for the others, the first reason expected.
 */
interface Row {
  name: string;
  event: () => AlertEvent;
  arrange?: (context: RecipientContext) => void;
  delivers: Channel[];
  reason?: ReasonCode;
  explanation?: string;
}

function checkRows(rows: Row[]) {
  it.each(rows)('$name', (row) => {
    const context = openContext();
    row.arrange?.(context);
    const decision = decide(row.event(), context);
    expect(delivered(decision)).toEqual(row.delivers);
    const blocked = all.filter((channel) => !row.delivers.includes(channel));
    for (const channel of blocked) {
      const reason = reasonOn(decision, channel);
      expect(reason, `${channel} is suppressed`).toBeDefined();
      if (row.reason) expect(reason?.code).toBe(row.reason);
      if (row.explanation) expect(reason?.explanation).toBe(row.explanation);
    }
  });
}

describe('every alert type', () => {
  const expectedChannels = (type: AlertType) => (isAccountAlertType(type) ? ['email'] : all);

  it.each(alertTypes)('%s: its event maps to it and alerts when on', (type) => {
    const decision = decide(sampleEvent(type), openContext());
    expect(decision.alertType).toBe(type);
    expect(delivered(decision)).toEqual(expectedChannels(type));
  });

  it.each(alertTypes)('%s: the user can turn it off', (type) => {
    const context = openContext();
    if (isAccountAlertType(type)) context.preferences.accountAlerts[type] = false;
    else context.preferences.alerts[type] = false;
    const decision = decide(sampleEvent(type), context);
    expect(decision.deliveries).toEqual([]);
    expect(reasonOn(decision, 'email')?.code).toBe('typeOffByUser');
  });

  it.each(alertTypes)(
    '%s: the business can turn it off, and the user cannot turn it on',
    (type) => {
      const context = openContext();
      context.business.alerts[type].enabled = false;
      const decision = decide(sampleEvent(type), context);
      expect(decision.deliveries).toEqual([]);
      expect(reasonOn(decision, 'email')?.code).toBe('typeOffByBusiness');
    },
  );
});

describe('a. communication notifications', () => {
  checkRows([
    {
      name: 'call to the personal line alerts',
      event: () => lineEvent('call', personalLine.id),
      delivers: all,
    },
    {
      name: 'call to a ring group alerts',
      event: () => lineEvent('call', supportLine.id),
      delivers: all,
    },
    {
      name: 'a call that has ended does not alert',
      event: () => ({ ...lineEvent('call', personalLine.id), state: 'ended' }) as AlertEvent,
      delivers: none,
      reason: 'notAnAlert',
    },
    {
      name: 'text to the personal line alerts',
      event: () => lineEvent('text', personalLine.id),
      delivers: all,
    },
    {
      name: 'text to the personal line is off',
      event: () => lineEvent('text', personalLine.id),
      arrange: (context) => (context.preferences.alerts.textPersonal = false),
      delivers: none,
      reason: 'typeOffByUser',
      explanation: 'You have turned off texts to your personal line',
    },
    {
      name: 'turning off personal texts leaves ring-group texts on',
      event: () => lineEvent('text', supportLine.id),
      arrange: (context) => (context.preferences.alerts.textPersonal = false),
      delivers: all,
    },
    {
      name: 'turning off ring-group voicemails leaves personal voicemails on',
      event: () => lineEvent('voicemail', personalLine.id),
      arrange: (context) => (context.preferences.alerts.voicemailRingGroup = false),
      delivers: all,
    },
    {
      name: 'ring-group voicemail is off',
      event: () => lineEvent('voicemail', supportLine.id),
      arrange: (context) => (context.preferences.alerts.voicemailRingGroup = false),
      delivers: none,
      reason: 'typeOffByUser',
    },
    {
      name: 'fax to the personal line alerts',
      event: () => lineEvent('fax', personalLine.id),
      delivers: all,
    },
    {
      name: 'fax to a ring group never alerts, even with everything on',
      event: () => lineEvent('fax', supportLine.id),
      delivers: none,
      reason: 'ringGroupFax',
      explanation: 'Faxes to ring groups never send notifications',
    },
    {
      name: 'contact assigned by an automated sequence alerts',
      event: () =>
        ({ ...sampleEvent('contactAssigned'), sequenceName: 'Welcome sequence' }) as AlertEvent,
      delivers: all,
    },
    {
      name: 'contact assigned by an automated sequence is off with contact assignments',
      event: () =>
        ({ ...sampleEvent('contactAssigned'), sequenceName: 'Welcome sequence' }) as AlertEvent,
      arrange: (context) => (context.preferences.alerts.contactAssigned = false),
      delivers: none,
      reason: 'typeOffByUser',
    },
    {
      name: 'mentions off leaves appointment assignments on',
      event: () => sampleEvent('appointmentAssigned'),
      arrange: (context) => (context.preferences.alerts.mention = false),
      delivers: all,
    },
    {
      name: 'reminder assigned is off',
      event: () => sampleEvent('reminderAssigned'),
      arrange: (context) => (context.preferences.alerts.reminderAssigned = false),
      delivers: none,
      reason: 'typeOffByUser',
      explanation: 'You have turned off reminders assigned to you',
    },
  ]);
});

describe('b. Fisher Mode', () => {
  const onCall = (fisherMode: boolean) => (context: RecipientContext) => {
    context.onCall = true;
    context.preferences.fisherMode = fisherMode;
  };
  checkRows([
    {
      name: 'on a call with Fisher Mode on: a ring-group call is offered',
      event: () => lineEvent('call', supportLine.id),
      arrange: onCall(true),
      delivers: all,
    },
    {
      name: 'on a call with Fisher Mode off: a ring-group call does not interrupt',
      event: () => lineEvent('call', supportLine.id),
      arrange: onCall(false),
      delivers: records,
      reason: 'onAnotherCall',
      explanation: 'You are on another call and Fisher Mode is off',
    },
    {
      name: 'not on a call with Fisher Mode off: a ring-group call alerts',
      event: () => lineEvent('call', supportLine.id),
      arrange: (context) => (context.preferences.fisherMode = false),
      delivers: all,
    },
    {
      name: 'on a call with Fisher Mode off: a call to the personal line alerts as usual',
      event: () => lineEvent('call', personalLine.id),
      arrange: onCall(false),
      delivers: all,
    },
    {
      name: 'on a call with Fisher Mode off: a ring-group text still alerts',
      event: () => lineEvent('text', supportLine.id),
      arrange: onCall(false),
      delivers: all,
    },
  ]);

  it('Fisher Mode is off by default', () => {
    expect(defaultUserPreferences().fisherMode).toBe(false);
  });
});

describe('c. account-level notifications', () => {
  checkRows([
    {
      name: 'an agent never receives reports',
      event: () => reportEvent('reportDailyActivity'),
      arrange: (context) => (context.role = 'agent'),
      delivers: none,
      reason: 'notAdmin',
      explanation: 'Only admins receive daily activity reports',
    },
    {
      name: 'an admin receives reports by email only',
      event: () => reportEvent('reportDailyActivity'),
      arrange: (context) => (context.role = 'admin'),
      delivers: ['email'],
    },
    {
      name: 'reports never use desktop, in-app or text',
      event: () => reportEvent('integrationConnectionFailed'),
      delivers: ['email'],
      reason: 'channelNotOffered',
      explanation: 'Account-level notifications are sent by email only',
    },
    {
      name: 'an admin who is not a billing admin gets no billing warnings',
      event: () => reportEvent('billingWarning'),
      arrange: (context) => (context.role = 'admin'),
      delivers: none,
      reason: 'notBillingAdmin',
      explanation: 'Only billing admins receive billing warnings',
    },
    {
      name: 'a billing admin gets billing warnings by email',
      event: () => reportEvent('billingWarning'),
      arrange: (context) => (context.role = 'billingAdmin'),
      delivers: ['email'],
    },
    {
      name: 'with email off, reports do not reach the admin',
      event: () => reportEvent('reportWebhookFailures'),
      arrange: (context) => (context.preferences.channels.email.enabled = false),
      delivers: none,
    },
  ]);

  it('covers the integration, account and other report types', () => {
    expect(accountAlertTypes).toEqual(
      expect.arrayContaining([
        'billingWarning',
        'integrationUsersSync',
        'integrationContactsSync',
        'integrationContactDispositionsSync',
        'integrationCallDispositionSync',
        'integrationConnectionFailed',
        'reportDailyActivity',
        'reportDailyInboundSms',
        'reportDailyOutboundSms',
        'reportDailySpending',
        'reportImportsExports',
        'reportWebhookFailures',
      ]),
    );
  });
});

describe('d. appointment events', () => {
  checkRows([
    {
      name: 'appointment reminder 1 hour before alerts',
      event: () => sampleEvent('appointmentReminder1Hour'),
      delivers: all,
    },
    {
      name: 'turning off the 1-hour reminder leaves the 15-minute one on',
      event: () => sampleEvent('appointmentReminder15Minutes'),
      arrange: (context) => (context.preferences.alerts.appointmentReminder1Hour = false),
      delivers: all,
    },
    {
      name: 'the 1-day reminder is off',
      event: () => sampleEvent('appointmentReminder1Day'),
      arrange: (context) => (context.preferences.alerts.appointmentReminder1Day = false),
      delivers: none,
      reason: 'typeOffByUser',
      explanation: 'You have turned off appointment reminders 1 day before',
    },
    {
      name: 'appointment created is off',
      event: () => sampleEvent('appointmentCreated'),
      arrange: (context) => (context.preferences.alerts.appointmentCreated = false),
      delivers: none,
      reason: 'typeOffByUser',
    },
    {
      name: 'a changed appointment does not alert by itself',
      event: () =>
        ({ ...sampleEvent('appointmentCreated'), kind: 'appointmentUpdated' }) as AlertEvent,
      delivers: none,
      reason: 'notAnAlert',
    },
    {
      name: 'a cancelled appointment does not alert by itself',
      event: () => ({
        id: 'event-cancel',
        occurredAt: '2026-11-23T15:00:00Z',
        kind: 'appointmentCancelled',
        appointmentId: 'appointment-1',
      }),
      delivers: none,
      reason: 'notAnAlert',
    },
  ]);

  it('the 1-minute reminder is off by default and the others are on', () => {
    const { alerts } = defaultUserPreferences();
    expect(alerts.appointmentReminder1Minute).toBe(false);
    expect(alerts.appointmentCreated).toBe(true);
    expect(alerts.appointmentReminder1Day).toBe(true);
    expect(alerts.appointmentReminder1Hour).toBe(true);
    expect(alerts.appointmentReminder15Minutes).toBe(true);
  });
});

describe('e. line choice', () => {
  checkRows([
    {
      name: 'the personal line is chosen by default',
      event: () => lineEvent('call', personalLine.id),
      arrange: (context) => (context.preferences.lines = defaultUserPreferences().lines),
      delivers: all,
    },
    {
      name: 'the personal line can be un-chosen',
      event: () => lineEvent('text', personalLine.id),
      arrange: (context) => (context.preferences.lines.personalLine = false),
      delivers: none,
      reason: 'lineNotChosen',
      explanation: "You have not chosen Ana's Line for notifications",
    },
    {
      name: 'a chosen ring-group line alerts',
      event: () => lineEvent('voicemail', supportLine.id),
      delivers: all,
    },
    {
      name: 'a ring-group line that is not chosen does not alert',
      event: () => lineEvent('voicemail', supportLine.id),
      arrange: (context) => (context.preferences.lines.otherLineIds = []),
      delivers: none,
      reason: 'lineNotChosen',
      explanation: 'You have not chosen Support Line for notifications',
    },
    {
      name: 'high-SMS alerts follow the line choice',
      event: () => lineEvent('highSms', supportLine.id),
      arrange: (context) => (context.preferences.lines.otherLineIds = []),
      delivers: none,
      reason: 'lineNotChosen',
    },
    {
      name: 'alerts that belong to no line ignore the line choice',
      event: () => sampleEvent('mention'),
      arrange: (context) => {
        context.preferences.lines.personalLine = false;
        context.preferences.lines.otherLineIds = [];
      },
      delivers: all,
    },
    {
      name: 'choosing a line in a ring group the user is not in does not make it theirs',
      event: () => lineEvent('call', salesLine.id),
      arrange: (context) => context.preferences.lines.otherLineIds.push(salesLine.id),
      delivers: none,
      reason: 'notOnLine',
      explanation: 'Sales Line is not one of your lines',
    },
    {
      name: 'an unknown line is not one of the user’s lines',
      event: () => lineEvent('call', 'line-unknown'),
      delivers: none,
      reason: 'notOnLine',
      explanation: 'Line line-unknown is not one of your lines',
    },
  ]);
});

describe('f. high-SMS alerts', () => {
  checkRows([
    { name: 'on', event: () => lineEvent('highSms', personalLine.id), delivers: all },
    {
      name: 'off',
      event: () => lineEvent('highSms', personalLine.id),
      arrange: (context) => (context.preferences.alerts.highSms = false),
      delivers: none,
      reason: 'typeOffByUser',
      explanation: 'You have turned off high-SMS alerts',
    },
  ]);

  it('names the detector rule: more than 15 texts from one contact, number and line in 30 s', () => {
    expect(highSmsRule).toEqual({
      moreThan: 15,
      windowSeconds: 30,
      sameOf: ['contact', 'incomingNumber', 'line'],
    });
  });
});

describe('g. channels and destinations', () => {
  checkRows([
    {
      name: 'desktop off',
      event: () => sampleEvent('mention'),
      arrange: (context) => (context.preferences.channels.desktop = false),
      delivers: ['inApp', 'email', 'text'],
      reason: 'channelOffByUser',
      explanation: 'You have turned off desktop notifications',
    },
    {
      name: 'in-app off',
      event: () => sampleEvent('mention'),
      arrange: (context) => (context.preferences.channels.inApp = false),
      delivers: ['desktop', 'email', 'text'],
      reason: 'channelOffByUser',
    },
    {
      name: 'text off (the default)',
      event: () => sampleEvent('mention'),
      arrange: (context) =>
        (context.preferences.channels.text = defaultUserPreferences().channels.text),
      delivers: ['desktop', 'inApp', 'email'],
      reason: 'channelOffByUser',
      explanation: 'SMS notifications are off — turn them on in Channels',
    },
    {
      name: 'no custom number and no backup phone',
      event: () => sampleEvent('mention'),
      arrange: (context) => (context.backupPhone = null),
      delivers: ['desktop', 'inApp', 'email'],
      reason: 'noDestination',
      explanation: 'You have no number for text alerts and no backup phone',
    },
    {
      name: 'a custom number in use without a backup phone',
      event: () => sampleEvent('mention'),
      arrange: (context) => {
        context.backupPhone = null;
        context.preferences.channels.text.useCustomNumber = true;
        context.preferences.channels.text.customNumber = '+12025550123';
      },
      delivers: all,
    },
    {
      name: 'no email address anywhere',
      event: () => sampleEvent('mention'),
      arrange: (context) => (context.accountEmail = null),
      delivers: ['desktop', 'inApp', 'text'],
      reason: 'noDestination',
      explanation: 'You have no email address for alerts',
    },
    {
      name: 'an alert email address without an account email',
      event: () => sampleEvent('mention'),
      arrange: (context) => {
        context.accountEmail = null;
        context.preferences.channels.email.address = 'alerts@example.com';
      },
      delivers: all,
    },
  ]);

  const destination = (context: RecipientContext, channel: Channel) =>
    decide(sampleEvent('mention'), context).deliveries.find(
      (delivery) => delivery.channel === channel,
    )?.destination;

  it.each([
    {
      name: 'no custom number: the backup phone',
      useCustomNumber: false,
      customNumber: null,
      expected: backupPhone,
    },
    {
      name: 'custom number in use',
      useCustomNumber: true,
      customNumber: '+12025550123',
      expected: '+12025550123',
    },
    {
      name: 'custom number stored but not in use',
      useCustomNumber: false,
      customNumber: '+12025550123',
      expected: backupPhone,
    },
    {
      name: 'custom number in use but empty',
      useCustomNumber: true,
      customNumber: null,
      expected: backupPhone,
    },
  ])('texts go to $name', ({ useCustomNumber, customNumber, expected }) => {
    const context = openContext();
    context.preferences.channels.text.useCustomNumber = useCustomNumber;
    context.preferences.channels.text.customNumber = customNumber;
    expect(destination(context, 'text')).toBe(expected);
  });

  it('emails go to the alert address, else the account address; desktop and in-app have none', () => {
    const context = openContext();
    expect(destination(context, 'email')).toBe(accountEmail);
    expect(destination(context, 'desktop')).toBeNull();
    expect(destination(context, 'inApp')).toBeNull();
    context.preferences.channels.email.address = 'alerts@example.com';
    expect(destination(context, 'email')).toBe('alerts@example.com');
  });
});

describe('h. leads', () => {
  const threshold = (own: number, recipient: number) => (context: RecipientContext) => {
    context.preferences.leadScoreThreshold = own;
    const [entry] = context.business.recipients;
    if (entry) entry.leadScoreThreshold = recipient;
  };
  checkRows([
    {
      name: 'below the user threshold',
      event: () => leadEvent(42),
      arrange: threshold(60, 0),
      delivers: none,
      reason: 'belowLeadThreshold',
      explanation: 'Lead score 42 is below your threshold of 60',
    },
    {
      name: 'at the threshold alerts',
      event: () => leadEvent(60),
      arrange: threshold(60, 0),
      delivers: all,
    },
    {
      name: 'above the threshold alerts',
      event: () => leadEvent(61),
      arrange: threshold(60, 0),
      delivers: all,
    },
    {
      name: 'lead updates use the same threshold',
      event: () => leadEvent(59, 'updated'),
      arrange: threshold(60, 0),
      delivers: none,
      reason: 'belowLeadThreshold',
    },
    {
      name: 'the recipient entry is stricter than the user',
      event: () => leadEvent(65),
      arrange: threshold(60, 70),
      delivers: none,
      reason: 'belowLeadThreshold',
      explanation: 'Lead score 65 is below the threshold of 70 your business set for you',
    },
    {
      name: 'the user is stricter than the recipient entry',
      event: () => leadEvent(75),
      arrange: threshold(80, 70),
      delivers: none,
      reason: 'belowLeadThreshold',
      explanation: 'Lead score 75 is below your threshold of 80',
    },
    {
      name: 'passing both thresholds alerts',
      event: () => leadEvent(80),
      arrange: threshold(80, 70),
      delivers: all,
    },
    {
      name: 'threshold 0 lets a score of 0 through',
      event: () => leadEvent(0),
      arrange: threshold(0, 0),
      delivers: all,
    },
    {
      name: 'threshold 100 holds back 99',
      event: () => leadEvent(99),
      arrange: threshold(100, 0),
      delivers: none,
      reason: 'belowLeadThreshold',
    },
    {
      name: 'threshold 100 lets 100 through',
      event: () => leadEvent(100),
      arrange: threshold(100, 100),
      delivers: all,
    },
    {
      name: 'not on the recipients list',
      event: () => leadEvent(90),
      arrange: (context) => (context.business.recipients = []),
      delivers: none,
      reason: 'notRecipient',
      explanation: "You are not on your business's recipients list for new leads",
    },
  ]);

  it('new leads are on and lead updates off by default, threshold 50', () => {
    const preferences = defaultUserPreferences();
    expect(preferences.alerts.leadNew).toBe(true);
    expect(preferences.alerts.leadUpdated).toBe(false);
    expect(preferences.leadScoreThreshold).toBe(50);
  });
});

describe('i. usage and payment failures', () => {
  checkRows([
    { name: 'usage at 90% alerts a recipient', event: () => sampleEvent('usage90'), delivers: all },
    {
      name: 'usage at 90% off leaves 100% on',
      event: () => sampleEvent('usage100'),
      arrange: (context) => (context.preferences.alerts.usage90 = false),
      delivers: all,
    },
    {
      name: 'usage at 75% does not reach someone off the recipients list',
      event: () => sampleEvent('usage75'),
      arrange: (context) => (context.business.recipients = []),
      delivers: none,
      reason: 'notRecipient',
    },
    {
      name: 'payment failures are off',
      event: () => sampleEvent('paymentFailed'),
      arrange: (context) => (context.preferences.alerts.paymentFailed = false),
      delivers: none,
      reason: 'typeOffByUser',
      explanation: 'You have turned off payment failures',
    },
    {
      name: 'a usage update below every threshold is not an alert',
      event: () => ({
        id: 'event-usage',
        occurredAt: '2026-11-23T15:00:00Z',
        kind: 'usage',
        periodId: 'period-2026-11',
        usedMinutes: 10,
        includedMinutes: 1000,
      }),
      delivers: none,
      reason: 'notAnAlert',
    },
  ]);
});

describe('j. business defaults and the recipients list', () => {
  checkRows([
    {
      name: 'the business turned a type off; the user has it on',
      event: () => leadEvent(90),
      arrange: (context) => (context.business.alerts.leadNew.enabled = false),
      delivers: none,
      reason: 'typeOffByBusiness',
      explanation: 'Your business has turned off new leads',
    },
    {
      name: 'the business has it on; the user turned it off',
      event: () => leadEvent(90),
      arrange: (context) => (context.preferences.alerts.leadNew = false),
      delivers: none,
      reason: 'typeOffByUser',
    },
    {
      name: 'the business turned off one channel for one type',
      event: () => leadEvent(90),
      arrange: (context) => (context.business.alerts.leadNew.channels.text = false),
      delivers: ['desktop', 'inApp', 'email'],
      reason: 'channelOffForType',
      explanation: 'Your business has turned off SMS alerts for new leads',
    },
    {
      name: 'a channel turned off for one type stays on for another',
      event: () => sampleEvent('mention'),
      arrange: (context) => (context.business.alerts.leadNew.channels.text = false),
      delivers: all,
    },
    {
      name: 'the business does not allow a channel at all',
      event: () => sampleEvent('mention'),
      arrange: (context) => (context.business.allowedChannels.email = false),
      delivers: ['desktop', 'inApp', 'text'],
      reason: 'channelNotAllowedByBusiness',
      explanation: 'Your business does not allow email notifications',
    },
    {
      name: 'the recipient entry has its own channels',
      event: () => sampleEvent('usage75'),
      arrange: (context) => {
        const [entry] = context.business.recipients;
        if (entry) entry.channels.text = false;
      },
      delivers: ['desktop', 'inApp', 'email'],
      reason: 'recipientChannelOff',
      explanation: 'Your recipient settings do not include SMS for usage at 75%',
    },
    {
      name: 'recipient channels do not apply to personal alerts',
      event: () => sampleEvent('mention'),
      arrange: (context) => {
        const [entry] = context.business.recipients;
        if (entry) entry.channels = { desktop: false, inApp: false, email: false, text: false };
      },
      delivers: all,
    },
    {
      name: 'the recipients list does not gate personal alerts',
      event: () => sampleEvent('mention'),
      arrange: (context) => (context.business.recipients = []),
      delivers: all,
    },
  ]);
});

describe('k. mutes, do-not-disturb and quiet hours', () => {
  /** 14:00 in New York on the demo Monday. */
  const twoPm = '2026-11-23T19:00:00Z';
  const mute =
    (until: string | null, lineId = supportLine.id) =>
    (context: RecipientContext) =>
      context.preferences.mutes.lines.push({ lineId, until });
  const doNotDisturb =
    (until: string | null, enabled = true) =>
    (context: RecipientContext) =>
      (context.preferences.mutes.doNotDisturb = { enabled, until });
  const quiet =
    (start: string, end: string, breakThrough?: AlertType[]) => (context: RecipientContext) => {
      context.preferences.quietHours.enabled = true;
      context.preferences.quietHours.windows = [{ day: 'monday', start, end }];
      if (breakThrough) context.preferences.quietHours.breakThrough = breakThrough;
    };

  checkRows([
    {
      name: 'a muted line holds back pop-ups and texts, not the in-app list or email',
      event: () => lineEvent('text', supportLine.id),
      arrange: mute(twoPm),
      delivers: records,
      reason: 'lineMuted',
      explanation: 'Texts on Support Line are muted until 14:00',
    },
    {
      name: 'a mute without expiry',
      event: () => lineEvent('call', supportLine.id),
      arrange: mute(null),
      delivers: records,
      reason: 'lineMuted',
      explanation: 'Calls on Support Line are muted until you unmute',
    },
    {
      name: 'a mute ending tomorrow names the day',
      event: () => lineEvent('voicemail', supportLine.id),
      arrange: mute('2026-11-24T14:00:00Z'),
      delivers: records,
      reason: 'lineMuted',
      explanation: 'Voicemails on Support Line are muted until Tue 24 Nov 09:00',
    },
    {
      name: 'an expired mute no longer holds back',
      event: () => lineEvent('text', supportLine.id),
      arrange: mute('2026-11-23T14:59:00Z'),
      delivers: all,
    },
    {
      name: 'a mute ending exactly now has ended',
      event: () => lineEvent('text', supportLine.id),
      arrange: mute('2026-11-23T15:00:00Z'),
      delivers: all,
    },
    {
      name: 'muting one line leaves the others',
      event: () => lineEvent('call', personalLine.id),
      arrange: mute(null),
      delivers: all,
    },
    {
      name: 'a line mute does not hold back alerts that belong to no line',
      event: () => sampleEvent('mention'),
      arrange: mute(null, personalLine.id),
      delivers: all,
    },
    {
      name: 'do not disturb without expiry',
      event: () => sampleEvent('mention'),
      arrange: doNotDisturb(null),
      delivers: records,
      reason: 'doNotDisturb',
      explanation: 'Do not disturb is on until you turn it off',
    },
    {
      name: 'do not disturb until 14:00',
      event: () => lineEvent('call', personalLine.id),
      arrange: doNotDisturb(twoPm),
      delivers: records,
      reason: 'doNotDisturb',
      explanation: 'Do not disturb is on until 14:00',
    },
    {
      name: 'expired do not disturb',
      event: () => sampleEvent('mention'),
      arrange: doNotDisturb('2026-11-23T14:00:00Z'),
      delivers: all,
    },
    {
      name: 'do not disturb switched off with an end still ahead',
      event: () => sampleEvent('mention'),
      arrange: doNotDisturb(twoPm, false),
      delivers: all,
    },
    {
      name: 'inside quiet hours',
      event: () => sampleEvent('mention'),
      arrange: quiet('09:00', '12:00'),
      delivers: records,
      reason: 'quietHours',
      explanation: 'Quiet hours are on until 12:00; mentions do not break through',
    },
    {
      name: 'quiet hours switched off',
      event: () => sampleEvent('mention'),
      arrange: (context) => {
        quiet('09:00', '12:00')(context);
        context.preferences.quietHours.enabled = false;
      },
      delivers: all,
    },
    {
      name: 'outside the quiet window (it ends at 10:00, which is now)',
      event: () => sampleEvent('mention'),
      arrange: quiet('08:00', '10:00'),
      delivers: all,
    },
    {
      name: 'a quiet window that starts now',
      event: () => sampleEvent('mention'),
      arrange: quiet('10:00', '10:30'),
      delivers: records,
      reason: 'quietHours',
    },
    {
      name: 'calls to the personal line break through by default',
      event: () => lineEvent('call', personalLine.id),
      arrange: quiet('09:00', '12:00'),
      delivers: all,
    },
    {
      name: 'ring-group calls do not break through by default',
      event: () => lineEvent('call', supportLine.id),
      arrange: quiet('09:00', '12:00'),
      delivers: records,
      reason: 'quietHours',
    },
    {
      name: 'payment failures break through by default',
      event: () => sampleEvent('paymentFailed'),
      arrange: quiet('09:00', '12:00'),
      delivers: all,
    },
    {
      name: 'usage at 100% breaks through by default',
      event: () => sampleEvent('usage100'),
      arrange: quiet('09:00', '12:00'),
      delivers: all,
    },
    {
      name: 'usage at 90% does not break through by default',
      event: () => sampleEvent('usage90'),
      arrange: quiet('09:00', '12:00'),
      delivers: records,
      reason: 'quietHours',
      explanation: 'Quiet hours are on until 12:00; usage at 90% does not break through',
    },
    {
      name: 'the user adds mentions to the break-through list',
      event: () => sampleEvent('mention'),
      arrange: quiet('09:00', '12:00', ['mention']),
      delivers: all,
    },
    {
      name: 'the user empties the break-through list',
      event: () => lineEvent('call', personalLine.id),
      arrange: quiet('09:00', '12:00', []),
      delivers: records,
      reason: 'quietHours',
    },
    {
      name: 'break-through does not override do not disturb',
      event: () => lineEvent('call', personalLine.id),
      arrange: (context) => {
        quiet('09:00', '12:00')(context);
        doNotDisturb(null)(context);
      },
      delivers: records,
      reason: 'doNotDisturb',
    },
  ]);
});

describe('every reason code', () => {
  /**
   * For each code: an event, a change to the open context that makes the code the reason on
   * `channel`, and a close change that must not produce it anywhere.
   */
  const table: Record<
    ReasonCode,
    {
      event: () => AlertEvent;
      channel: Channel;
      positive: (context: RecipientContext) => void;
      negative: (context: RecipientContext) => void;
      /** The event of the negative case, when it differs. */
      negativeEvent?: () => AlertEvent;
    }
  > = {
    notAnAlert: {
      event: () => ({ ...lineEvent('call', personalLine.id), state: 'ended' }) as AlertEvent,
      channel: 'desktop',
      positive: () => {},
      negative: () => {},
      negativeEvent: () => lineEvent('call', personalLine.id),
    },
    notOnLine: {
      event: () => lineEvent('call', salesLine.id),
      channel: 'inApp',
      positive: () => {},
      negative: (context) =>
        (context.ringGroups = [...context.ringGroups, { id: 'group-sales', name: 'Sales' }]),
    },
    ringGroupFax: {
      event: () => lineEvent('fax', supportLine.id),
      channel: 'email',
      positive: () => {},
      negative: (context) => (context.personalLineId = supportLine.id),
    },
    notAdmin: {
      event: () => reportEvent('reportDailySpending'),
      channel: 'email',
      positive: (context) => (context.role = 'agent'),
      negative: (context) => (context.role = 'admin'),
    },
    notBillingAdmin: {
      event: () => reportEvent('billingWarning'),
      channel: 'email',
      positive: (context) => (context.role = 'admin'),
      negative: (context) => (context.role = 'billingAdmin'),
    },
    notRecipient: {
      event: () => sampleEvent('paymentFailed'),
      channel: 'inApp',
      positive: (context) => (context.business.recipients = []),
      negative: () => {},
    },
    typeOffByBusiness: {
      event: () => sampleEvent('mention'),
      channel: 'inApp',
      positive: (context) => (context.business.alerts.mention.enabled = false),
      negative: (context) => (context.business.alerts.contactAssigned.enabled = false),
    },
    typeOffByUser: {
      event: () => sampleEvent('mention'),
      channel: 'inApp',
      positive: (context) => (context.preferences.alerts.mention = false),
      negative: (context) => (context.preferences.alerts.contactAssigned = false),
    },
    belowLeadThreshold: {
      event: () => leadEvent(42),
      channel: 'inApp',
      positive: (context) => (context.preferences.leadScoreThreshold = 43),
      negative: (context) => (context.preferences.leadScoreThreshold = 42),
    },
    lineNotChosen: {
      event: () => lineEvent('text', supportLine.id),
      channel: 'inApp',
      positive: (context) => (context.preferences.lines.otherLineIds = []),
      negative: (context) => (context.preferences.lines.personalLine = false),
    },
    channelNotOffered: {
      event: () => reportEvent('reportDailyInboundSms'),
      channel: 'inApp',
      positive: () => {},
      negative: () => {},
      negativeEvent: () => sampleEvent('mention'),
    },
    channelNotAllowedByBusiness: {
      event: () => sampleEvent('mention'),
      channel: 'desktop',
      positive: (context) => (context.business.allowedChannels.desktop = false),
      negative: (context) => (context.business.alerts.mention.channels.desktop = false),
    },
    channelOffForType: {
      event: () => sampleEvent('mention'),
      channel: 'desktop',
      positive: (context) => (context.business.alerts.mention.channels.desktop = false),
      negative: (context) => (context.business.alerts.contactAssigned.channels.desktop = false),
    },
    recipientChannelOff: {
      event: () => leadEvent(90),
      channel: 'email',
      positive: (context) => {
        const [entry] = context.business.recipients;
        if (entry) entry.channels.email = false;
      },
      negative: (context) => (context.preferences.channels.email.enabled = false),
    },
    channelOffByUser: {
      event: () => sampleEvent('mention'),
      channel: 'email',
      positive: (context) => (context.preferences.channels.email.enabled = false),
      negative: (context) => (context.preferences.channels.email.address = 'alerts@example.com'),
    },
    channelOffForTypeByUser: {
      event: () => sampleEvent('mention'),
      channel: 'email',
      positive: (context) => (context.preferences.alertChannels.mention.email = false),
      negative: (context) => (context.preferences.alertChannels.contactAssigned.email = false),
    },
    noDestination: {
      event: () => sampleEvent('mention'),
      channel: 'text',
      positive: (context) => (context.backupPhone = null),
      negative: (context) => (context.accountEmail = 'other@example.com'),
    },
    onAnotherCall: {
      event: () => lineEvent('call', supportLine.id),
      channel: 'desktop',
      positive: (context) => (context.onCall = true),
      negative: (context) => {
        context.onCall = true;
        context.preferences.fisherMode = true;
      },
    },
    lineMuted: {
      event: () => lineEvent('text', supportLine.id),
      channel: 'text',
      positive: (context) =>
        context.preferences.mutes.lines.push({ lineId: supportLine.id, until: null }),
      negative: (context) =>
        context.preferences.mutes.lines.push({ lineId: personalLine.id, until: null }),
    },
    doNotDisturb: {
      event: () => sampleEvent('mention'),
      channel: 'desktop',
      positive: (context) =>
        (context.preferences.mutes.doNotDisturb = { enabled: true, until: null }),
      negative: (context) =>
        (context.preferences.mutes.doNotDisturb = { enabled: false, until: null }),
    },
    quietHours: {
      event: () => sampleEvent('mention'),
      channel: 'desktop',
      positive: (context) => {
        context.preferences.quietHours.enabled = true;
        context.preferences.quietHours.windows = [{ day: 'monday', start: '00:00', end: '23:59' }];
      },
      negative: (context) => {
        context.preferences.quietHours.enabled = true;
        context.preferences.quietHours.windows = [{ day: 'sunday', start: '00:00', end: '23:59' }];
      },
    },
  };

  it.each(Object.entries(table))(
    '%s: fires when its condition holds, not otherwise',
    (code, row) => {
      const positive = openContext();
      row.positive(positive);
      const fired = decide(row.event(), positive);
      expect(reasonOn(fired, row.channel)?.code).toBe(code);
      expect(reasonOn(fired, row.channel)?.explanation).toMatch(/^[A-Z].+[^.]$/);

      const negative = openContext();
      row.negative(negative);
      const quiet = decide((row.negativeEvent ?? row.event)(), negative);
      expect(quiet.suppressed.map((suppression) => suppression.code)).not.toContain(code);
    },
  );

  it('the table covers every reason code', () => {
    expect(Object.keys(table).sort()).toEqual([...reasonCodes].sort());
  });
});

describe('decision shape', () => {
  it('names the event, its type and its line', () => {
    const event = lineEvent('text', supportLine.id);
    const decision = decide(event, openContext());
    expect(decision).toMatchObject({
      eventId: event.id,
      alertType: 'textRingGroup',
      lineId: supportLine.id,
    });
  });

  it('keeps the line id of an event on a line that is not the user’s', () => {
    const decision = decide(lineEvent('call', 'line-unknown'), openContext());
    expect(decision).toMatchObject({ alertType: null, lineId: 'line-unknown' });
  });

  it('a new user in a new business: personal calls pop up, no email, texts by SMS are opt-in', () => {
    const context = demoContext();
    const decision = decide(lineEvent('call', personalLine.id), context);
    expect(delivered(decision)).toEqual(['desktop', 'inApp']);
    expect(reasonOn(decision, 'email')).toMatchObject({
      code: 'channelOffForTypeByUser',
      explanation: 'Email for calls to your personal line is off — turn it on in Channels',
    });
    expect(reasonOn(decision, 'text')?.code).toBe('channelOffByUser');
  });
});
