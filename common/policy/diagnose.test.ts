import { describe, expect, it } from 'vitest';
import type { AlertType } from '../alert-types';
import type { Diagnosis, ReasonCode, RecipientContext } from './context';
import {
  accountEmail,
  backupPhone,
  demoContext,
  openContext,
  personalLine,
  supportLine,
} from '../../test/support/demo-business';
import { diagnose } from './diagnose';

const codes = (diagnosis: Diagnosis) => diagnosis.reasons.map((reason) => reason.code);

describe('diagnose: why am I not receiving these alerts?', () => {
  it('lists the channels an alert would use, with their destinations, when nothing blocks it', () => {
    const diagnosis = diagnose('mention', openContext());
    expect(diagnosis).toEqual({
      alertType: 'mention',
      wouldAlert: true,
      channels: [
        { channel: 'desktop', destination: null },
        { channel: 'inApp', destination: null },
        { channel: 'email', destination: accountEmail },
        { channel: 'text', destination: backupPhone },
      ],
      reasons: [],
      limits: [],
      locks: [],
    });
  });

  it('lists every reason at once, each once, with the channels it blocks', () => {
    const context = openContext();
    context.business.alerts.textRingGroup.channels.email = false;
    context.preferences.channels.desktop = false;
    context.backupPhone = null;
    context.preferences.lines.otherLineIds = [];
    context.preferences.mutes.lines.push({ lineId: supportLine.id, until: null });
    context.preferences.mutes.doNotDisturb = { enabled: true, until: null };
    context.preferences.quietHours.enabled = true;
    context.preferences.quietHours.windows = [{ day: 'monday', start: '09:00', end: '11:00' }];
    const diagnosis = diagnose('textRingGroup', context);

    expect(diagnosis.wouldAlert).toBe(false);
    expect(diagnosis.channels).toEqual([]);
    expect(diagnosis.reasons).toEqual([
      {
        code: 'lineNotChosen',
        explanation: 'You have not chosen Support Line for notifications',
        channels: ['desktop', 'inApp', 'email', 'text'],
      },
      {
        code: 'channelOffByUser',
        explanation: 'You have turned off desktop notifications',
        channels: ['desktop'],
      },
      {
        code: 'lineMuted',
        explanation: 'Texts on Support Line are muted until you unmute',
        channels: ['desktop', 'text'],
      },
      {
        code: 'doNotDisturb',
        explanation: 'Do not disturb is on until you turn it off',
        channels: ['desktop', 'text'],
      },
      {
        code: 'quietHours',
        explanation:
          'Quiet hours are on until 11:00; texts to your ring groups do not break through',
        channels: ['desktop', 'text'],
      },
      {
        code: 'channelOffForType',
        explanation: 'Your business has turned off email alerts for texts to your ring groups',
        channels: ['email'],
      },
      {
        code: 'noDestination',
        explanation: 'You have no number for text alerts and no backup phone',
        channels: ['text'],
      },
    ]);
  });

  /** Each blocking condition, alone, shows up in the diagnosis; without it, it does not. */
  const conditions: Array<{
    name: string;
    type: AlertType;
    code: ReasonCode;
    arrange: (context: RecipientContext) => void;
  }> = [
    {
      name: 'type off in business defaults',
      type: 'leadNew',
      code: 'typeOffByBusiness',
      arrange: (context) => (context.business.alerts.leadNew.enabled = false),
    },
    {
      name: 'type off by the user',
      type: 'leadNew',
      code: 'typeOffByUser',
      arrange: (context) => (context.preferences.alerts.leadNew = false),
    },
    {
      name: 'channel off',
      type: 'mention',
      code: 'channelOffByUser',
      arrange: (context) => (context.preferences.channels.inApp = false),
    },
    {
      name: 'no destination',
      type: 'mention',
      code: 'noDestination',
      arrange: (context) => (context.accountEmail = null),
    },
    {
      name: 'not a recipient',
      type: 'usage90',
      code: 'notRecipient',
      arrange: (context) => (context.business.recipients = []),
    },
    {
      name: 'line not chosen',
      type: 'callPersonal',
      code: 'lineNotChosen',
      arrange: (context) => (context.preferences.lines.personalLine = false),
    },
    {
      name: 'muted',
      type: 'voicemailPersonal',
      code: 'lineMuted',
      arrange: (context) =>
        context.preferences.mutes.lines.push({ lineId: personalLine.id, until: null }),
    },
    {
      name: 'do not disturb',
      type: 'appointmentCreated',
      code: 'doNotDisturb',
      arrange: (context) =>
        (context.preferences.mutes.doNotDisturb = { enabled: true, until: null }),
    },
    {
      name: 'quiet hours',
      type: 'appointmentCreated',
      code: 'quietHours',
      arrange: (context) => {
        context.preferences.quietHours.enabled = true;
        context.preferences.quietHours.windows = [{ day: 'monday', start: '09:30', end: '10:30' }];
      },
    },
    {
      name: 'not an admin',
      type: 'reportDailySpending',
      code: 'notAdmin',
      arrange: (context) => (context.role = 'agent'),
    },
    {
      name: 'on another call without Fisher Mode',
      type: 'callRingGroup',
      code: 'onAnotherCall',
      arrange: (context) => (context.onCall = true),
    },
  ];

  it.each(conditions)(
    '$name: listed when it holds, absent otherwise',
    ({ type, code, arrange }) => {
      expect(codes(diagnose(type, openContext()))).not.toContain(code);
      const context = openContext();
      arrange(context);
      expect(codes(diagnose(type, context))).toContain(code);
    },
  );

  it('shows the lead threshold in force as a limit, not a block', () => {
    const context = openContext();
    context.preferences.leadScoreThreshold = 60;
    const diagnosis = diagnose('leadNew', context);
    expect(diagnosis.wouldAlert).toBe(true);
    expect(diagnosis.limits).toEqual([
      { code: 'belowLeadThreshold', explanation: 'Only leads scoring 60 or more alert you' },
    ]);
    const [entry] = context.business.recipients;
    if (entry) entry.leadScoreThreshold = 75;
    expect(diagnose('leadUpdated', context).limits[0]?.explanation).toBe(
      'Only leads scoring 75 or more alert you',
    );
    context.preferences.leadScoreThreshold = 0;
    if (entry) entry.leadScoreThreshold = 0;
    expect(diagnose('leadNew', context).limits).toEqual([]);
  });

  it('account alerts: email only, and only for admins', () => {
    const admin = openContext();
    admin.role = 'admin';
    const report = diagnose('reportDailyActivity', admin);
    expect(report.channels).toEqual([{ channel: 'email', destination: accountEmail }]);
    expect(report.reasons).toEqual([
      {
        code: 'channelNotOffered',
        explanation: 'Account-level notifications are sent by email only',
        channels: ['desktop', 'inApp', 'text'],
      },
    ]);
    expect(codes(diagnose('billingWarning', admin))).toContain('notBillingAdmin');
  });

  it('an alert type that can arrive on several lines is diagnosed on each', () => {
    const context = openContext();
    context.preferences.mutes.lines.push({ lineId: supportLine.id, until: null });
    const diagnosis = diagnose('highSms', context);
    // The personal line still alerts; the Support Line is muted.
    expect(diagnosis.wouldAlert).toBe(true);
    expect(diagnosis.reasons).toEqual([
      {
        code: 'lineMuted',
        explanation: 'High-SMS alerts on Support Line are muted until you unmute',
        channels: ['desktop', 'text'],
      },
    ]);
  });

  it.each([
    { type: 'callPersonal', explanation: 'You have no personal line' },
    { type: 'faxPersonal', explanation: 'You have no personal line' },
    { type: 'callRingGroup', explanation: 'You are not in any ring group' },
    { type: 'voicemailRingGroup', explanation: 'You are not in any ring group' },
    { type: 'highSms', explanation: 'You have no lines' },
  ] as const)('$type without such a line: "$explanation"', ({ type, explanation }) => {
    const context = demoContext();
    context.lines = [];
    context.personalLineId = null;
    context.ringGroups = [];
    const diagnosis = diagnose(type, context);
    expect(diagnosis.wouldAlert).toBe(false);
    expect(diagnosis.reasons[0]).toEqual({
      code: 'notOnLine',
      explanation,
      channels: ['desktop', 'inApp', 'email', 'text'],
    });
    // With the line, that reason is gone.
    expect(codes(diagnose(type, openContext()))).not.toContain('notOnLine');
  });
});
