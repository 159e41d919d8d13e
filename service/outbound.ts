import {
  alertTypeLabels,
  emailBody,
  emailSubject,
  isCriticalAlertType,
  outboundLimits,
  readableTime,
  sanitizeNotificationText,
  smsBody,
  type AlertType,
  type HoldReason,
  type OutboxEntry,
  type PushedEvent,
  type ServiceDelivery,
} from '../common';
import {
  describeBurstDigest,
  describeHourDigest,
  type HeldItem,
  type Message,
  type Reader,
} from './describe';
import type { DestinationHour, HeldMessage, ServiceStore } from './store';

type OutboundChannel = 'email' | 'text';

const hourMilliseconds = 60 * 60 * 1000;
const channelWords: Record<OutboundChannel, { one: string; many: string }> = {
  email: { one: 'an email', many: 'emails' },
  text: { one: 'a text', many: 'texts' },
};

/** One email or text `decide` delivered for one event, before it is sent or held. */
export interface OutboundRequest {
  userId: string;
  eventId: string;
  alertType: AlertType;
  lineId: string | null;
  channel: OutboundChannel;
  destination: string;
  /** The business's notification email or phone. */
  sender: string | null;
  message: Message;
  reader: Reader;
}

/** What became of a request: the delivery for the event's outcome, and the row if one was sent. */
export interface OutboundResult {
  delivery: ServiceDelivery;
  entry: OutboxEntry | null;
}

/** What sending due digests did: the rows written and the events whose outcome changed. */
export interface DigestRun {
  outbox: OutboxEntry[];
  updated: PushedEvent[];
}

/** The key of a burst: one alert type on one line (or none). */
function burstKeyOf(alertType: AlertType, lineId: string | null): string {
  return `${alertType}\u0000${lineId ?? ''}`;
}

/** Subject and body as they may leave: sanitised and capped for the channel. */
function outgoing(channel: OutboundChannel, message: Message) {
  return channel === 'email'
    ? { subject: emailSubject(message.subject), body: emailBody(message.body) }
    : { subject: null, body: smsBody(`${message.subject}. ${message.body}`) };
}

/** An explanation within `serviceDeliverySchema`'s limits. */
function explanation(text: string): string {
  return sanitizeNotificationText(text, { characters: 500, bytes: 500 });
}

/**
 * Emails and texts without floods (issue 13). Per user and channel, a burst of one alert type on
 * one line: the first message goes at once and opens a window of `burstWindowMinutes`; what
 * follows in the window is held and goes out as one digest when it ends (naming how many and
 * the latest), and the window runs on from there while the burst lasts. Per channel and
 * destination, at most `perHour` messages in an hour (from the first): past it, messages are
 * held for one digest when the hour ends. Critical alerts (`criticalAlertTypes`) are never held
 * or merged. Everything held is in the database (`held_messages`), written in the transaction of
 * its event, so a restart sends it when due; `onWake` is told each new due time.
 */
export class Outbound {
  constructor(
    private readonly store: ServiceStore,
    private readonly onWake: (at: number) => void,
  ) {}

  /** Sends or holds one email or text of one event; the caller is in the event's transaction. */
  send(request: OutboundRequest): OutboundResult {
    const { channel, destination, reader } = request;
    const now = reader.now;
    const limits = outboundLimits[channel];
    const burstKey = burstKeyOf(request.alertType, request.lineId);
    if (!isCriticalAlertType(request.alertType)) {
      const windowEnd = this.store.burstWindowEnd(request.userId, channel, burstKey);
      if (windowEnd !== null && windowEnd > now) {
        const sentence = `${channelWords[channel].one} for ${alertTypeLabels[request.alertType]} went out less than ${limits.burstWindowMinutes} minutes ago`;
        return this.#hold(request, burstKey, 'burst', windowEnd, sentence);
      }
      const hour = this.#hourAt(channel, destination, now);
      if (hour.sent >= limits.perHour) {
        const sentence = `${limits.perHour} ${channelWords[channel].many} an hour to ${destination} reached`;
        return this.#hold(
          request,
          burstKey,
          'hourlyCap',
          hour.startedAt + hourMilliseconds,
          sentence,
        );
      }
      this.store.setBurstWindow(
        request.userId,
        channel,
        burstKey,
        now + limits.burstWindowMinutes * 60_000,
      );
    }
    const entry = this.#write(
      request.userId,
      request.eventId,
      channel,
      destination,
      request.sender,
      request.message,
      now,
    );
    return {
      delivery: { channel, status: 'sent', outboxId: entry.id, destination: entry.destination },
      entry,
    };
  }

  /** The earliest moment a held message is due, or null when none is held. */
  nextDue(): number | null {
    return this.store.nextHeldMessageDue();
  }

  /**
   * Writes every digest due at `now`, in one transaction: a burst's held messages as one
   * digest (or, when the destination's hour is full, held on for the hour's digest), and at an
   * hour's end what the cap held, as one digest per person, channel and destination.
   */
  sendDue(now: number): DigestRun {
    return this.store.transaction(() => {
      const run: DigestRun = { outbox: [], updated: [] };
      const groups = new Map<string, HeldMessage[]>();
      for (const message of this.store.heldMessagesDue(now)) {
        const key = [
          message.userId,
          message.channel,
          message.reason,
          message.reason === 'burst' ? message.burstKey : message.destination,
        ].join('\u0000');
        groups.set(key, [...(groups.get(key) ?? []), message]);
      }
      for (const messages of groups.values()) this.#sendGroup(messages, now, run);
      return run;
    });
  }

  #sendGroup(messages: readonly HeldMessage[], now: number, run: DigestRun): void {
    const latest = messages.at(-1);
    const user = latest ? this.store.user(latest.userId) : null;
    if (!latest || !user) return;
    const { channel, destination } = latest;
    const limits = outboundLimits[channel];
    const business = this.store.businessDefaults(user.businessId).document;
    const preferences = this.store.preferences(user.id).document;
    const reader: Reader = {
      lines: this.store.linesOf(user),
      timeZone: preferences.timeZone,
      now,
      country: business.country,
    };
    const ids = messages.map((message) => message.id);
    if (latest.reason === 'burst') {
      this.store.setBurstWindow(
        user.id,
        channel,
        latest.burstKey,
        now + limits.burstWindowMinutes * 60_000,
      );
      const hour = this.#hourAt(channel, destination, now);
      if (hour.sent >= limits.perHour) {
        const dueAt = hour.startedAt + hourMilliseconds;
        this.store.holdForHourlyCap(ids, dueAt);
        const sentence = `${limits.perHour} ${channelWords[channel].many} an hour to ${destination} reached`;
        for (const message of messages) {
          this.#changeOutcome(
            message,
            run,
            this.#held(channel, 'hourlyCap', dueAt, sentence, reader),
          );
        }
        this.onWake(dueAt);
        return;
      }
    }
    const items: readonly HeldItem[] = messages;
    const digest =
      latest.reason === 'burst'
        ? describeBurstDigest(items, reader)
        : describeHourDigest(items, reader, {
            perHour: limits.perHour,
            messages: channelWords[channel].many,
          });
    const sender = channel === 'email' ? business.notificationEmail : business.notificationPhone;
    const entry = this.#write(user.id, null, channel, destination, sender, digest, now);
    run.outbox.push(entry);
    this.store.dropHeldMessages(ids);
    for (const message of messages) {
      this.#changeOutcome(message, run, {
        channel,
        status: 'digested',
        outboxId: entry.id,
        destination: entry.destination,
      });
    }
  }

  /** The destination's hour at `now`: the stored one while it lasts, else a new one from now. */
  #hourAt(channel: OutboundChannel, destination: string, now: number): DestinationHour {
    const stored = this.store.destinationHour(channel, destination);
    return stored && now < stored.startedAt + hourMilliseconds
      ? stored
      : { startedAt: now, sent: 0 };
  }

  /** One outbox row, sanitised and capped, counted in its destination's hour. */
  #write(
    userId: string,
    eventId: string | null,
    channel: OutboundChannel,
    destination: string,
    sender: string | null,
    message: Message,
    now: number,
  ): OutboxEntry {
    const hour = this.#hourAt(channel, destination, now);
    this.store.setDestinationHour(channel, destination, { ...hour, sent: hour.sent + 1 });
    return this.store.appendOutbox({
      userId,
      eventId,
      channel,
      destination,
      sender,
      ...outgoing(channel, message),
      createdAt: new Date(now).toISOString(),
    });
  }

  #held(
    channel: OutboundChannel,
    reason: HoldReason,
    dueAt: number,
    why: string,
    reader: Reader,
  ): ServiceDelivery {
    const when = readableTime(dueAt, reader.now, reader.timeZone);
    return {
      channel,
      status: 'held',
      reason,
      digestAt: new Date(dueAt).toISOString(),
      explanation: explanation(`Held for a digest at ${when}: ${why}`),
    };
  }

  #hold(
    request: OutboundRequest,
    burstKey: string,
    reason: HoldReason,
    dueAt: number,
    why: string,
  ): OutboundResult {
    this.store.holdMessage({
      userId: request.userId,
      eventId: request.eventId,
      channel: request.channel,
      destination: request.destination,
      burstKey,
      reason,
      alertType: request.alertType,
      subject: request.message.subject,
      body: request.message.body,
      heldAt: request.reader.now,
      dueAt,
    });
    this.onWake(dueAt);
    return {
      delivery: this.#held(request.channel, reason, dueAt, why, request.reader),
      entry: null,
    };
  }

  /** Replaces the delivery of `message`'s channel in its event's stored outcome. */
  #changeOutcome(message: HeldMessage, run: DigestRun, delivery: ServiceDelivery): void {
    const updated = this.store.changeOutcome(message.eventId, (outcome) =>
      outcome
        ? {
            deliveries: outcome.deliveries.map((each) =>
              each.channel === message.channel ? delivery : each,
            ),
          }
        : null,
    );
    if (!updated) return;
    const index = run.updated.findIndex((event) => event.id === updated.id);
    if (index >= 0) run.updated[index] = updated;
    else run.updated.push(updated);
  }
}
