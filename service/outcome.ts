import {
  decide,
  recipientContext,
  sanitizeNotificationText,
  type AlertEvent,
  type OutboxEntry,
  type RecipientContext,
  type ServiceDelivery,
  type ServiceOutcome,
} from '../common';
import { describeEvent, type Reader } from './describe';
import type { Outbound } from './outbound';
import type { ServiceStore, ServiceUser } from './store';

/** The channels the service decides and sends; desktop and in-app are the companion's. */
const serviceChannels = ['email', 'text'] as const;

/** Everything `decide` needs about this user at `now`. */
export function contextOf(store: ServiceStore, user: ServiceUser, now: number): RecipientContext {
  return recipientContext({
    user,
    lines: store.linesOf(user),
    ringGroups: store.ringGroupsOf(user.id),
    onCall: user.onCall,
    preferences: store.preferences(user.id).document,
    business: store.businessDefaults(user.businessId).document,
    now,
  });
}

/** What the service did about one event on email and SMS: the rows it wrote and the outcome. */
export interface EmailAndText {
  outbox: OutboxEntry[];
  outcome: ServiceOutcome;
}

/** An explanation as it may reach a person: sanitised and within `serviceDeliverySchema`. */
function explanationText(text: string): string {
  // A UTF-16 unit takes at least one UTF-8 byte: 500 bytes are at most the schema's 500 units.
  return sanitizeNotificationText(text, { characters: 500, bytes: 500 });
}

/**
 * Decides one event for its user and carries out the email and SMS part: each channel `decide`
 * delivers on goes to `outbound`, which sends it (one outbox row) or holds it for a digest; for
 * each of the two channels the outcome says what happened — the row's id and destination, held
 * until when and why, or the policy's reason for sending nothing. Runs in the caller's
 * transaction, so the rows, holds and outcome are stored with the event or not at all.
 */
export function sendEmailAndText(
  outbound: Outbound,
  event: AlertEvent,
  context: RecipientContext,
): EmailAndText {
  const decision = decide(event, context);
  const outbox: OutboxEntry[] = [];
  const deliveries: ServiceDelivery[] = [];
  const reader: Reader = {
    lines: context.lines,
    timeZone: context.preferences.timeZone,
    now: context.now,
    country: context.business.country,
  };
  for (const channel of serviceChannels) {
    const delivery = decision.deliveries.find((candidate) => candidate.channel === channel);
    if (delivery?.destination && decision.alertType !== null) {
      const result = outbound.send({
        userId: context.userId,
        eventId: event.id,
        alertType: decision.alertType,
        lineId: decision.lineId,
        channel,
        destination: delivery.destination,
        sender:
          channel === 'email'
            ? context.business.notificationEmail
            : context.business.notificationPhone,
        message: describeEvent(event, reader),
        reader,
      });
      if (result.entry) outbox.push(result.entry);
      deliveries.push(
        result.delivery.status === 'sent'
          ? {
              ...result.delivery,
              destination: sanitizeNotificationText(result.delivery.destination, {
                characters: 320,
                bytes: 320,
              }),
            }
          : result.delivery,
      );
      continue;
    }
    const suppressed = decision.suppressed.find((candidate) => candidate.channel === channel);
    deliveries.push({
      channel,
      status: 'notSent',
      code: suppressed?.code ?? 'noDestination',
      explanation: explanationText(
        suppressed?.explanation ??
          (channel === 'email'
            ? 'You have no email address for alerts'
            : 'You have no number for text alerts and no backup phone'),
      ),
    });
  }
  return { outbox, outcome: { deliveries } };
}
