import {
  decide,
  quietReasonCodes,
  sampleNotificationTitle,
  type AlertEvent,
  type Decision,
  type RecipientContext,
  type Suppression,
  type TestNotificationResult,
} from '../../common';
import { sampleEventIdPrefix, type SettledDelivery } from './delivery';
import type { Clock } from './ports';

/** What a sample needs from delivery: the same path as real alerts. */
export interface SampleDelivery {
  deliver(event: AlertEvent, decision: Decision): void;
  onSettled(listener: (settled: readonly SettledDelivery[]) => void): () => void;
}

export interface SampleOptions {
  clock: Clock;
  context: () => RecipientContext;
  delivery: SampleDelivery;
  /** How long to wait for the pop-up's result before answering without it. Default 30 s. */
  timeoutMilliseconds?: number;
}

/**
 * A sample desktop or in-app notification (asked for in the settings, or pushed by the service
 * as `testNotification`), through the same delivery path as real alerts: coalesced with them,
 * and held when a real alert would be. The policy decides a sample mention with the person's
 * context; when it would hold the pop-up (do-not-disturb, quiet hours, another call) the sample
 * does not pop up either, and its in-app item and its result say that real alerts would be held
 * the same way. The result says what happened, from the delivery's record: shown, listed, or the
 * notifier's error. Samples are not recorded as events (they are not alerts).
 */
export function createSampleSender(options: SampleOptions) {
  let sent = 0;
  return function send(
    channel: 'desktop' | 'inApp',
    title: string,
  ): Promise<TestNotificationResult> {
    const { clock, delivery } = options;
    sent += 1;
    const event: AlertEvent = {
      id: `${sampleEventIdPrefix}${clock.now()}:${sent}`,
      kind: 'mention',
      occurredAt: new Date(clock.now()).toISOString(),
      byName: 'Ringside',
      conversation: title.slice(0, 200) || sampleNotificationTitle(channel),
      excerpt: 'This is how Ringside notifications look.',
    };
    const quiet = decide(event, options.context()).suppressed.find(
      (entry) => entry.channel === 'desktop' && quietReasonCodes.includes(entry.code),
    );
    const held: Suppression | null = quiet
      ? { ...quiet, explanation: `${quiet.explanation}: real alerts would be held the same way` }
      : null;
    const popUp = channel === 'desktop' && !held;
    const decision: Decision = {
      eventId: event.id,
      alertType: 'mention',
      lineId: null,
      // A held desktop sample is listed, with why, as a held real alert would be.
      deliveries: [{ channel: popUp ? 'desktop' : 'inApp', destination: null }],
      suppressed: held ? [held] : [],
    };
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => {
        stop();
        resolve({ channel, delivered: false, destination: null, reason: 'No answer in time' });
      }, options.timeoutMilliseconds ?? 30_000);
      const stop = delivery.onSettled((settled) => {
        const mine = settled.find((entry) => entry.eventId === event.id);
        if (!mine) return;
        stop();
        clock.clearTimeout(timer);
        const failed = mine.popup && mine.popup.status !== 'shown' ? mine.popup.reason : null;
        resolve({
          channel,
          delivered: failed === null && (channel === 'inApp' || popUp),
          destination: null,
          reason: failed ?? held?.explanation ?? null,
        });
      });
      delivery.deliver(event, decision);
    });
  };
}
