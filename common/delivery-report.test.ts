import { describe, expect, it } from 'vitest';
import {
  describeChannelReport,
  reached,
  reportDeliveries,
  type RecordedDelivery,
} from './delivery-report';
import type { Decision } from './policy/context';

/** The local decision of a text to Jordan: every channel but SMS, which Jordan turned off. */
const allButText: Decision = {
  eventId: 'ev-1',
  alertType: 'textPersonal',
  lineId: 'line-jordan',
  deliveries: [
    { channel: 'desktop', destination: null },
    { channel: 'inApp', destination: null },
    { channel: 'email', destination: 'jordan@example.com' },
  ],
  suppressed: [
    {
      channel: 'text',
      code: 'channelOffByUser',
      explanation: 'SMS notifications are off — turn them on in Channels',
    },
  ],
};

function recorded(fields: Partial<RecordedDelivery> = {}): RecordedDelivery {
  return {
    decision: allButText,
    outcome: null,
    fromService: true,
    popup: { status: 'shown' },
    notified: true,
    listed: true,
    ...fields,
  };
}

describe('reportDeliveries', () => {
  it('shows email and SMS from the service outcome, desktop and in-app from the records', () => {
    const reports = reportDeliveries(
      recorded({
        outcome: {
          deliveries: [
            { channel: 'email', status: 'sent', outboxId: 12, destination: 'jordan@example.com' },
            {
              channel: 'text',
              status: 'notSent',
              code: 'channelOffByUser',
              explanation: 'SMS notifications are off — turn them on in Channels',
            },
          ],
        },
      }),
    );
    expect(reports).toEqual([
      { channel: 'desktop', status: 'shown' },
      { channel: 'inApp', status: 'listed' },
      { channel: 'email', status: 'sent', outboxId: 12, destination: 'jordan@example.com' },
      {
        channel: 'text',
        status: 'notSent',
        code: 'channelOffByUser',
        explanation: 'SMS notifications are off — turn them on in Channels',
      },
    ]);
    expect(reports.map(reached)).toEqual([true, true, true, false]);
  });

  it('never claims an email the service did not send, whatever the local policy said', () => {
    const reports = reportDeliveries(
      recorded({
        outcome: {
          deliveries: [
            {
              channel: 'email',
              status: 'notSent',
              code: 'noDestination',
              explanation: 'You have no address for email alerts',
            },
          ],
        },
      }),
    );
    expect(reports.find((report) => report.channel === 'email')).toEqual({
      channel: 'email',
      status: 'notSent',
      code: 'noDestination',
      explanation: 'You have no address for email alerts',
    });
  });

  it('says the service has not reported yet on a local alert, and did not report on an old one', () => {
    const local = reportDeliveries(recorded({ fromService: false }));
    expect(local.find((report) => report.channel === 'email')).toEqual({
      channel: 'email',
      status: 'pending',
      code: 'awaitingService',
      explanation: 'Email is sent by the service; it has not reported on this alert yet',
    });
    expect(local.find((report) => report.channel === 'text')).toMatchObject({
      status: 'pending',
      explanation: 'SMS is sent by the service; it has not reported on this alert yet',
    });
    const old = reportDeliveries(recorded({ fromService: true }));
    expect(old.find((report) => report.channel === 'email')).toMatchObject({
      status: 'pending',
      code: 'notReported',
    });
  });

  it('says a pop-up failed with the notifier error, is waiting, or was withdrawn', () => {
    const failed = reportDeliveries(
      recorded({ popup: { status: 'failed', reason: 'No notification daemon' } }),
    );
    expect(failed[0]).toEqual({
      channel: 'desktop',
      status: 'failed',
      code: 'popupFailed',
      explanation: 'No notification daemon',
    });
    expect(reportDeliveries(recorded({ popup: null, notified: false }))[0]).toMatchObject({
      status: 'pending',
      code: 'awaitingPopup',
    });
    // Recorded before pop-up results were kept: handed off is all that is known.
    expect(reportDeliveries(recorded({ popup: null, notified: true }))[0]).toEqual({
      channel: 'desktop',
      status: 'shown',
    });
    expect(
      reportDeliveries(
        recorded({ popup: { status: 'withdrawn', reason: 'The call had ended' } }),
      )[0],
    ).toMatchObject({ status: 'notSent', code: 'withdrawn' });
  });

  it('says a held pop-up was held, with the reason, and the in-app item is listed', () => {
    const held: Decision = {
      ...allButText,
      deliveries: allButText.deliveries.filter((delivery) => delivery.channel !== 'desktop'),
      suppressed: [
        ...allButText.suppressed,
        { channel: 'desktop', code: 'doNotDisturb', explanation: 'Do not disturb is on' },
      ],
    };
    const reports = reportDeliveries(recorded({ decision: held, popup: null, notified: false }));
    expect(reports.slice(0, 2)).toEqual([
      {
        channel: 'desktop',
        status: 'held',
        code: 'doNotDisturb',
        explanation: 'Do not disturb is on',
      },
      { channel: 'inApp', status: 'listed' },
    ]);
    expect(describeChannelReport(reports[0] as (typeof reports)[number])).toBe(
      'Desktop: held. Do not disturb is on',
    );
  });

  it('leaves out what neither the decision nor the outcome mention (a sample on one channel)', () => {
    const sample: Decision = {
      eventId: 'local:test:1',
      alertType: 'mention',
      lineId: null,
      deliveries: [{ channel: 'inApp', destination: null }],
      suppressed: [],
    };
    expect(
      reportDeliveries(recorded({ decision: sample, fromService: false, popup: null })),
    ).toEqual([{ channel: 'inApp', status: 'listed' }]);
  });

  it('describes each report in one sentence', () => {
    expect(
      describeChannelReport({
        channel: 'email',
        status: 'sent',
        outboxId: 3,
        destination: 'sam@example.com',
      }),
    ).toBe('Email: sent to sam@example.com (outbox 3)');
    expect(
      describeChannelReport({
        channel: 'text',
        status: 'pending',
        code: 'awaitingService',
        explanation: 'SMS is sent by the service; it has not reported on this alert yet',
      }),
    ).toBe('SMS: pending. SMS is sent by the service; it has not reported on this alert yet');
  });
});
