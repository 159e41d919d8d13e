import type { FastifyInstance } from 'fastify';
import {
  decide,
  parseWith,
  sampleNotificationTitle,
  testNotificationBodySchema,
  testNotificationLimits,
  type RecipientContext,
  type TestNotificationResult,
} from '../../../common';
import { RateLimiter } from '../rate-limit';
import { refuse, refuseInvalid } from '../refusal';
import { userOf, type HttpApiDependencies } from '../request';

const title = 'Sample notification from Ringside';

/**
 * The caller's context with every per-type switch and channel on for mentions and nothing
 * muted, so the only reasons left to hold a sample mention back are the channel's own: allowed
 * by the business, the user's master switch, a destination.
 */
function sampleContext(context: RecipientContext): RecipientContext {
  return {
    ...context,
    onCall: false,
    preferences: {
      ...context.preferences,
      alerts: { ...context.preferences.alerts, mention: true },
      alertChannels: {
        ...context.preferences.alertChannels,
        mention: { desktop: true, inApp: true, email: true, text: true },
      },
      mutes: { lines: [], doNotDisturb: { enabled: false, until: null } },
      quietHours: { ...context.preferences.quietHours, enabled: false },
    },
    business: {
      ...context.business,
      alerts: {
        ...context.business.alerts,
        mention: {
          enabled: true,
          channels: { desktop: true, inApp: true, email: true, text: true },
          mandatory: { desktop: false, inApp: false, email: false, text: false },
        },
      },
    },
  };
}

/**
 * `POST /api/test-notification`: desktop and in-app push `testNotification` to the caller's
 * connected devices; email and text run a sample mention through `decide` and, when it is
 * delivered, write one outbox row. Rate-limited per user (`testNotificationLimits`), so a
 * settings window cannot flood a person's devices, inbox or phone.
 */
export function registerTestNotificationRoutes(
  app: FastifyInstance,
  { store, hub, clock }: HttpApiDependencies,
): void {
  const { perChannel, perHour } = testNotificationLimits;
  const limiter = new RateLimiter(clock, [
    {
      limit: perChannel.limit,
      windowMilliseconds: perChannel.windowSeconds * 1000,
      perScope: true,
      allows: `one test notification per channel every ${perChannel.windowSeconds} seconds`,
    },
    {
      limit: perHour.limit,
      windowMilliseconds: perHour.windowSeconds * 1000,
      perScope: false,
      allows: `${perHour.limit} test notifications an hour`,
    },
  ]);

  app.post('/api/test-notification', async (request, reply) => {
    const user = userOf(request);
    const parsed = parseWith(testNotificationBodySchema, request.body);
    if (!parsed.ok) return refuseInvalid(reply, parsed.errors);
    const { channel } = parsed.value;
    const verdict = limiter.check(user.id, channel);
    if (!verdict.allowed) {
      return refuse(reply, 'rateLimited', verdict.reason, {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
    if (channel === 'desktop' || channel === 'inApp') {
      const sent = hub.push(user.id, 'testNotification', {
        channel,
        title: sampleNotificationTitle(channel),
      });
      if (sent > 0) limiter.count(user.id, channel);
      const result: TestNotificationResult = {
        channel,
        delivered: sent > 0,
        destination: null,
        reason: sent > 0 ? null : 'None of your devices is connected',
      };
      return result;
    }
    const context = hub.contextFor(user);
    const sample = {
      kind: 'mention' as const,
      id: `sample-${context.now}`,
      occurredAt: new Date(context.now).toISOString(),
      byName: 'Ringside',
      conversation: 'Notification settings',
      excerpt: 'This is a sample notification: your settings work.',
    };
    const decision = decide(sample, sampleContext(context));
    const delivery = decision.deliveries.find((candidate) => candidate.channel === channel);
    if (!delivery?.destination) {
      const suppression = decision.suppressed.find((candidate) => candidate.channel === channel);
      const result: TestNotificationResult = {
        channel,
        delivered: false,
        destination: null,
        reason: suppression?.explanation ?? 'Nowhere to send it',
      };
      return result;
    }
    limiter.count(user.id, channel);
    store.appendOutbox({
      userId: user.id,
      eventId: null,
      channel,
      destination: delivery.destination,
      sender:
        channel === 'email'
          ? context.business.notificationEmail
          : context.business.notificationPhone,
      subject: channel === 'email' ? title : null,
      body: `${title}: ${sample.excerpt}`,
      createdAt: new Date(context.now).toISOString(),
    });
    const result: TestNotificationResult = {
      channel,
      delivered: true,
      destination: delivery.destination,
      reason: null,
    };
    return result;
  });
}
