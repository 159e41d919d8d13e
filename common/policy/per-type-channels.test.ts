import { describe, expect, it } from 'vitest';
import type { AlertType, Channel } from '../alert-types';
import type { AlertEvent } from '../events';
import type { RecipientContext, ReasonCode } from './context';
import { decide } from './decide';
import { diagnose } from './diagnose';
import {
  lineEvent,
  makeMandatory,
  openContext,
  personalLine,
  refreshLocks,
  reportEvent,
  sampleEvent,
} from '../../test/support/demo-business';

/**
 * Issue 13's rules, a positive and a negative case each: per-type channels under the master
 * switches, and mandatory channels (locks) that pass the user's own switches and nothing else.
 * Each row starts from `openContext()` (everything on for a billing admin on the recipients
 * list), arranges one thing, and says what one channel does.
 */
interface Row {
  name: string;
  event: () => AlertEvent;
  channel: Channel;
  arrange: (context: RecipientContext) => void;
  /** Delivered (with a lock or not), or held back with this reason. */
  expect: { delivered: true; locked: boolean } | { delivered: false; code: ReasonCode };
}

const off = (code: ReasonCode) => ({ delivered: false as const, code });
const delivered = (locked = false) => ({ delivered: true as const, locked });

const mandatory =
  (type: AlertType, ...channels: Channel[]) =>
  (context: RecipientContext) =>
    makeMandatory(context, type, ...channels);

function both(...steps: Array<(context: RecipientContext) => void>) {
  return (context: RecipientContext) => {
    for (const step of steps) step(context);
  };
}

const rows: Array<{ rule: string; positive: Row; negative: Row }> = [
  {
    rule: 'a per-type channel turned off holds back that type on that channel',
    positive: {
      name: 'SMS off for texts: a text is not texted',
      event: () => lineEvent('text', personalLine.id),
      channel: 'text',
      arrange: (context) => (context.preferences.alertChannels.textPersonal.text = false),
      expect: off('channelOffForTypeByUser'),
    },
    negative: {
      name: 'SMS off for texts only: a voicemail is still texted',
      event: () => lineEvent('voicemail', personalLine.id),
      channel: 'text',
      arrange: (context) => (context.preferences.alertChannels.textPersonal.text = false),
      expect: delivered(),
    },
  },
  {
    rule: 'the master switch is a master: off is off for every type, whatever the per-type choice',
    positive: {
      name: 'SMS master off, SMS on for voicemails: no text, and the master is the reason',
      event: () => lineEvent('voicemail', personalLine.id),
      channel: 'text',
      arrange: (context) => (context.preferences.channels.text.enabled = false),
      expect: off('channelOffByUser'),
    },
    negative: {
      name: 'email master off: SMS still goes',
      event: () => lineEvent('voicemail', personalLine.id),
      channel: 'text',
      arrange: (context) => (context.preferences.channels.email.enabled = false),
      expect: delivered(),
    },
  },
  {
    rule: 'a mandatory channel passes the master switch (a billing admin with email off)',
    positive: {
      name: 'payment failures by email are mandatory, email is off: emailed, with the lock',
      event: () => sampleEvent('paymentFailed'),
      channel: 'email',
      arrange: both(
        (context) => (context.preferences.channels.email.enabled = false),
        mandatory('paymentFailed', 'email'),
      ),
      expect: delivered(true),
    },
    negative: {
      name: 'not mandatory: email off holds it back',
      event: () => sampleEvent('paymentFailed'),
      channel: 'email',
      arrange: (context) => (context.preferences.channels.email.enabled = false),
      expect: off('channelOffByUser'),
    },
  },
  {
    rule: 'a mandatory channel passes the per-type choice',
    positive: {
      name: 'usage at 100 % by email is mandatory, the user took email off for it: emailed',
      event: () => sampleEvent('usage100'),
      channel: 'email',
      arrange: both(
        (context) => (context.preferences.alertChannels.usage100.email = false),
        mandatory('usage100', 'email'),
      ),
      expect: delivered(true),
    },
    negative: {
      name: 'mandatory for usage at 100 % says nothing of usage at 90 %',
      event: () => sampleEvent('usage90'),
      channel: 'email',
      arrange: both(
        (context) => (context.preferences.alertChannels.usage90.email = false),
        mandatory('usage100', 'email'),
      ),
      expect: off('channelOffForTypeByUser'),
    },
  },
  {
    rule: 'the type switch turned off leaves only the mandatory channels',
    positive: {
      name: 'payment failures off, email mandatory: still emailed',
      event: () => sampleEvent('paymentFailed'),
      channel: 'email',
      arrange: both(
        (context) => (context.preferences.alerts.paymentFailed = false),
        mandatory('paymentFailed', 'email'),
      ),
      expect: delivered(true),
    },
    negative: {
      name: 'payment failures off, email mandatory: no pop-up',
      event: () => sampleEvent('paymentFailed'),
      channel: 'desktop',
      arrange: both(
        (context) => (context.preferences.alerts.paymentFailed = false),
        mandatory('paymentFailed', 'email'),
      ),
      expect: off('typeOffByUser'),
    },
  },
  {
    rule: 'mandatory needs somewhere to send it',
    positive: {
      name: 'no address of any kind: not sent, and why',
      event: () => sampleEvent('paymentFailed'),
      channel: 'email',
      arrange: both(
        (context) => (context.accountEmail = null),
        mandatory('paymentFailed', 'email'),
      ),
      expect: off('noDestination'),
    },
    negative: {
      name: 'an own address: sent there',
      event: () => sampleEvent('paymentFailed'),
      channel: 'email',
      arrange: both(
        (context) => (context.accountEmail = null),
        (context) => (context.preferences.channels.email.address = 'billing@example.com'),
        mandatory('paymentFailed', 'email'),
      ),
      expect: delivered(true),
    },
  },
  {
    rule: 'mandatory never reaches past the recipients list',
    positive: {
      name: 'not on the list: nothing, mandatory or not',
      event: () => sampleEvent('paymentFailed'),
      channel: 'email',
      arrange: both(
        mandatory('paymentFailed', 'email'),
        (context) => (context.business.recipients = []),
        refreshLocks,
      ),
      expect: off('notRecipient'),
    },
    negative: {
      name: 'on the list: emailed',
      event: () => sampleEvent('paymentFailed'),
      channel: 'email',
      arrange: mandatory('paymentFailed', 'email'),
      expect: delivered(true),
    },
  },
  {
    rule: 'mandatory never reaches past the channels the business gave a recipient',
    positive: {
      name: 'recipient entry without email: not emailed',
      event: () => sampleEvent('usage100'),
      channel: 'email',
      arrange: both(
        mandatory('usage100', 'email'),
        (context) => {
          const [entry] = context.business.recipients;
          if (entry) entry.channels.email = false;
        },
        refreshLocks,
      ),
      expect: off('recipientChannelOff'),
    },
    negative: {
      name: 'recipient entry with email, user email off: emailed',
      event: () => sampleEvent('usage100'),
      channel: 'email',
      arrange: both(
        (context) => (context.preferences.channels.email.enabled = false),
        mandatory('usage100', 'email'),
      ),
      expect: delivered(true),
    },
  },
  {
    rule: 'mandatory never reaches past the role (billing warnings are for billing admins)',
    positive: {
      name: 'an admin who is not a billing admin: no billing warning',
      event: () => reportEvent('billingWarning'),
      channel: 'email',
      arrange: both(
        mandatory('billingWarning', 'email'),
        (context) => (context.role = 'admin'),
        refreshLocks,
      ),
      expect: off('notBillingAdmin'),
    },
    negative: {
      name: 'a billing admin who turned billing warnings off: emailed',
      event: () => reportEvent('billingWarning'),
      channel: 'email',
      arrange: both(
        (context) => (context.preferences.accountAlerts.billingWarning = false),
        mandatory('billingWarning', 'email'),
      ),
      expect: delivered(true),
    },
  },
  {
    rule: 'mandatory is whether, not when: quiet hours still hold back an interrupting channel',
    positive: {
      name: 'SMS mandatory for payment failures, quiet hours without break-through: not texted',
      event: () => sampleEvent('paymentFailed'),
      channel: 'text',
      arrange: both(mandatory('paymentFailed', 'text'), (context) => {
        context.preferences.quietHours = {
          enabled: true,
          windows: [{ day: 'monday', start: '00:00', end: '23:59' }],
          breakThrough: [],
        };
      }),
      expect: off('quietHours'),
    },
    negative: {
      name: 'email mandatory in the same quiet hours: emailed (email never interrupts)',
      event: () => sampleEvent('paymentFailed'),
      channel: 'email',
      arrange: both(mandatory('paymentFailed', 'email'), (context) => {
        context.preferences.quietHours = {
          enabled: true,
          windows: [{ day: 'monday', start: '00:00', end: '23:59' }],
          breakThrough: [],
        };
      }),
      expect: delivered(true),
    },
  },
  {
    rule: 'mandatory never chooses a line for the user',
    positive: {
      name: 'calls to the personal line mandatory on desktop, personal line not chosen',
      event: () => lineEvent('call', personalLine.id),
      channel: 'desktop',
      arrange: both(
        (context) => (context.preferences.lines.personalLine = false),
        mandatory('callPersonal', 'desktop'),
      ),
      expect: off('lineNotChosen'),
    },
    negative: {
      name: 'chosen, desktop master off: the pop-up comes',
      event: () => lineEvent('call', personalLine.id),
      channel: 'desktop',
      arrange: both(
        (context) => (context.preferences.channels.desktop = false),
        mandatory('callPersonal', 'desktop'),
      ),
      expect: delivered(true),
    },
  },
];

function check(row: Row) {
  const context = openContext();
  row.arrange(context);
  const decision = decide(row.event(), context);
  const delivery = decision.deliveries.find((each) => each.channel === row.channel);
  const suppression = decision.suppressed.find((each) => each.channel === row.channel);
  if (row.expect.delivered) {
    expect(suppression, row.name).toBeUndefined();
    expect(delivery?.lock !== undefined, row.name).toBe(row.expect.locked);
  } else {
    expect(delivery, row.name).toBeUndefined();
    expect(suppression?.code, row.name).toBe(row.expect.code);
  }
}

describe('per-type channels, master switches and mandatory channels', () => {
  it.each(rows)('$rule', ({ positive, negative }) => {
    check(positive);
    check(negative);
  });

  it('says which choice held a channel back, and which lock kept one on', () => {
    const context = openContext();
    context.preferences.alertChannels.mention.text = false;
    makeMandatory(context, 'paymentFailed', 'email');
    context.preferences.channels.email.enabled = false;
    const mention = decide(sampleEvent('mention'), context);
    expect(mention.suppressed.find((each) => each.channel === 'text')?.explanation).toBe(
      'SMS for mentions is off — turn it on in Channels',
    );
    const payment = decide(sampleEvent('paymentFailed'), context);
    expect(payment.deliveries.find((each) => each.channel === 'email')).toEqual({
      channel: 'email',
      destination: 'ana@example.com',
      lock: { source: 'business', reason: 'Your business requires payment failures by email' },
    });
  });

  it('diagnose names the per-type choices and the locks', () => {
    const context = openContext();
    context.preferences.alertChannels.voicemailPersonal.email = false;
    expect(diagnose('voicemailPersonal', context).reasons).toContainEqual({
      code: 'channelOffForTypeByUser',
      explanation: 'You have turned off email for voicemails on your personal line',
      channels: ['email'],
    });
    makeMandatory(context, 'usage100', 'email');
    context.preferences.channels.email.enabled = false;
    const usage = diagnose('usage100', context);
    expect(usage.locks).toEqual([
      {
        channel: 'email',
        source: 'business',
        reason: 'Your business requires usage at 100% by email',
      },
    ]);
    expect(usage.channels.map((each) => each.channel)).toContain('email');
    expect(diagnose('usage90', context).locks).toEqual([]);
  });
});
