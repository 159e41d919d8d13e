import { z } from 'zod';
import { channelLabels, channels, type Channel } from './alert-types';
import type { ServiceOutcome } from './events';
import type { Decision, ReasonCode } from './policy/context';

/**
 * What happened to an alert on each channel, from records, never from intentions: the companion
 * reports what it did on desktop and in-app (its pop-up record and its in-app list), the service
 * what it did on email and SMS (the `outcome` it sends with each event). This file merges a
 * recorded local `Decision` with those records; the Activity rows, the headless `--json` line
 * and the settings window all read the result.
 */

/** The channels the service owns: it decides and sends them, the companion only reports them. */
export const serviceChannels: readonly Channel[] = ['email', 'text'];

/**
 * Reasons that hold back a pop-up but leave the alert in the in-app list, with the reason: the
 * moment is wrong, not the alert.
 */
export const quietReasonCodes: readonly ReasonCode[] = [
  'onAnotherCall',
  'lineMuted',
  'doNotDisturb',
  'quietHours',
];

/** What the companion recorded once a pop-up left its hands: shown, failed, or withdrawn. */
export const popupRecordSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('shown') }),
  /** The notifier refused or threw: its error. */
  z.strictObject({ status: z.literal('failed'), reason: z.string().max(500) }),
  /** Never handed to the notifier, on purpose (a ringing call seen after its end). */
  z.strictObject({ status: z.literal('withdrawn'), reason: z.string().max(500) }),
]);
export type PopupRecord = z.infer<typeof popupRecordSchema>;

const channel = z.enum(channels);
const why = { code: z.string().max(64), explanation: z.string().max(1000) };

/**
 * One channel of one alert. Done: `shown` (desktop), `listed` (in-app), `sent` (email, SMS: the
 * service's outbox entry). Not done, each with a code and a sentence: `held` (a digest or cap of the service, or a quiet reason:
 * mute, do-not-disturb, quiet hours, another call), `notSent` (any other reason, the service's
 * for email and SMS), `failed` (the notifier's error), `pending` (not settled yet: a pop-up
 * waiting its turn, or email and SMS the service has not reported on).
 */
export const channelReportSchema = z.discriminatedUnion('status', [
  z.strictObject({ channel, status: z.literal('shown') }),
  z.strictObject({ channel, status: z.literal('listed') }),
  z.strictObject({
    channel,
    status: z.literal('sent'),
    outboxId: z.int().positive(),
    destination: z.string().max(320),
    /** Sent as part of a digest (protocol 3): `outboxId` is the digest's entry. */
    digest: z.boolean().optional(),
  }),
  z.strictObject({ channel, status: z.literal('held'), ...why }),
  z.strictObject({ channel, status: z.literal('notSent'), ...why }),
  z.strictObject({ channel, status: z.literal('failed'), ...why }),
  z.strictObject({ channel, status: z.literal('pending'), ...why }),
]);
export type ChannelReport = z.infer<typeof channelReportSchema>;

/** Everything recorded about one decided event that says what happened to it. */
export interface RecordedDelivery {
  /** The companion's decision, as recorded. */
  decision: Decision;
  /** What the service reported doing on email and SMS; null when it reported nothing. */
  outcome: ServiceOutcome | null;
  /** The service sent the event (it has a seq); false for an alert the companion raised itself. */
  fromService: boolean;
  /** The pop-up's record, once it left the companion's hands. */
  popup: PopupRecord | null;
  /** The pop-up was handed off (also for rows recorded before results were kept). */
  notified: boolean;
  /** The in-app list holds an item for the event. */
  listed: boolean;
}

const done = new Set<ChannelReport['status']>(['shown', 'listed', 'sent']);

/** Whether a report says the channel reached the person. */
export function reached(report: ChannelReport): boolean {
  return done.has(report.status);
}

function sentenceCase(text: string): string {
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`;
}

function companionReport(channelName: Channel, recorded: RecordedDelivery): ChannelReport | null {
  const { decision, popup, notified, listed } = recorded;
  const delivered = decision.deliveries.some((delivery) => delivery.channel === channelName);
  const suppression = decision.suppressed.find((entry) => entry.channel === channelName);
  if (channelName === 'inApp' && listed) return { channel: 'inApp', status: 'listed' };
  if (channelName === 'desktop' && delivered) {
    if (popup?.status === 'failed') {
      return {
        channel: 'desktop',
        status: 'failed',
        code: 'popupFailed',
        explanation: popup.reason,
      };
    }
    if (popup?.status === 'withdrawn') {
      return {
        channel: 'desktop',
        status: 'notSent',
        code: 'withdrawn',
        explanation: popup.reason,
      };
    }
    if (popup || notified) return { channel: 'desktop', status: 'shown' };
    return {
      channel: 'desktop',
      status: 'pending',
      code: 'awaitingPopup',
      explanation: 'Waiting to pop up',
    };
  }
  if (delivered) {
    return {
      channel: channelName,
      status: 'pending',
      code: 'notListed',
      explanation: 'Not in the in-app list yet',
    };
  }
  if (!suppression) return null;
  const { code, explanation } = suppression;
  const status = quietReasonCodes.includes(code) ? 'held' : 'notSent';
  return { channel: channelName, status, code, explanation };
}

function serviceReport(channelName: Channel, recorded: RecordedDelivery): ChannelReport | null {
  const reported = recorded.outcome?.deliveries.find((entry) => entry.channel === channelName);
  if (reported?.status === 'sent' || reported?.status === 'digested') {
    return {
      channel: channelName,
      status: 'sent',
      outboxId: reported.outboxId,
      destination: reported.destination,
      ...(reported.status === 'digested' ? { digest: true } : {}),
    };
  }
  if (reported?.status === 'held') {
    // A burst or the hourly cap: it goes out in the digest at `digestAt`, said in the explanation.
    return {
      channel: channelName,
      status: 'held',
      code: reported.reason === 'burst' ? 'heldForDigest' : 'hourlyCap',
      explanation: reported.explanation,
    };
  }
  if (reported) {
    return {
      channel: channelName,
      status: 'notSent',
      code: reported.code,
      explanation: reported.explanation,
    };
  }
  const { decision } = recorded;
  const decided =
    decision.deliveries.some((delivery) => delivery.channel === channelName) ||
    decision.suppressed.some((entry) => entry.channel === channelName);
  if (!decided) return null;
  const label = sentenceCase(channelLabels[channelName]);
  // Never the local policy's guess: the service decides and sends these.
  return recorded.fromService
    ? {
        channel: channelName,
        status: 'pending',
        code: 'notReported',
        explanation: `The service did not report what it did on ${channelLabels[channelName]} for this alert (an older service, or an alert stored before it reported)`,
      }
    : {
        channel: channelName,
        status: 'pending',
        code: 'awaitingService',
        explanation: `${label} is sent by the service; it has not reported on this alert yet`,
      };
}

/**
 * What happened to one alert on each channel, in `channels` order: desktop and in-app from the
 * companion's records (pop-up result, in-app list, the decision's reasons), email and SMS from
 * the service's outcome alone. A channel the decision and the outcome both leave out is left out.
 */
export function reportDeliveries(recorded: RecordedDelivery): ChannelReport[] {
  const reports: ChannelReport[] = [];
  for (const each of channels) {
    const report = serviceChannels.includes(each)
      ? serviceReport(each, recorded)
      : companionReport(each, recorded);
    if (report) reports.push(report);
  }
  return reports;
}

/** One sentence for people: "Email: sent to sam@example.com (outbox 12)". */
export function describeChannelReport(report: ChannelReport): string {
  const label = sentenceCase(channelLabels[report.channel]);
  switch (report.status) {
    case 'shown':
      return `${label}: shown`;
    case 'listed':
      return `${label}: listed`;
    case 'sent':
      return report.digest
        ? `${label}: sent in a digest to ${report.destination} (outbox ${report.outboxId})`
        : `${label}: sent to ${report.destination} (outbox ${report.outboxId})`;
    case 'held':
      return `${label}: held. ${report.explanation}`;
    case 'notSent':
      return `${label}: not sent. ${report.explanation}`;
    case 'failed':
      return `${label}: failed. ${report.explanation}`;
    case 'pending':
      return `${label}: pending. ${report.explanation}`;
  }
}
