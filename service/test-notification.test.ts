import { beforeEach, describe, expect, it } from 'vitest';
import { apiErrorSchema, testNotificationLimits, testNotificationResultSchema } from '../common';
import { ServiceFixture } from '../test/support/service-fixture';
import { cleanupAfterEach } from '../test/support/cleanups';
import { callApi } from '../test/support/service-test-client';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-test-notification-');
let fixture: ServiceFixture;

beforeEach(async () => {
  fixture = new ServiceFixture(temporaryFolder());
  defer(() => fixture.stop());
  await fixture.start();
});

function testNotification(channel: string) {
  return callApi(fixture.service.url, fixture.token('jordan'), 'POST', '/api/test-notification', {
    channel,
  });
}

describe('test notifications are rate-limited per user', () => {
  it('one per channel every 10 s: 429 with the reason and Retry-After, and again once it has passed', async () => {
    const device = await fixture.connect('jordan');
    expect((await testNotification('desktop')).status).toBe(200);
    fixture.clock.advance(3_000);
    const refused = await testNotification('desktop');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(apiErrorSchema.parse(refused.body)).toEqual({
      error: 'rateLimited',
      reason: 'You can send one test notification per channel every 10 seconds; try again in 7 s',
      retryAfterSeconds: 7,
    });
    // Another channel is its own.
    expect((await testNotification('inApp')).status).toBe(200);
    fixture.clock.advance(7_000);
    expect((await testNotification('desktop')).status).toBe(200);
    await device.waitFor(
      (messages) => messages.filter((message) => message.name === 'testNotification').length === 3,
      'three test notifications',
    );
    expect(device.payloads('testNotification')).toHaveLength(3);
  });

  it('20 an hour across channels; one that reached nobody does not count', async () => {
    // No device connected: not delivered, not counted.
    for (let index = 0; index < 25; index += 1) {
      const answer = await testNotification('desktop');
      expect(answer.status).toBe(200);
      expect(testNotificationResultSchema.parse(answer.body).delivered).toBe(false);
    }
    await fixture.connect('jordan');
    const { limit } = testNotificationLimits.perHour;
    const channels = ['desktop', 'inApp', 'email'];
    for (let index = 0; index < limit; index += 1) {
      expect(
        (await testNotification(channels[index % 3] ?? 'desktop')).status,
        `#${index + 1}`,
      ).toBe(200);
      fixture.clock.advance(10_000);
    }
    const refused = await testNotification('inApp');
    expect(refused.status).toBe(429);
    // The first of the 20 was sent 200 s ago (20 × 10 s): it leaves the hour in 3,400 s.
    expect(apiErrorSchema.parse(refused.body)).toMatchObject({
      reason: 'You can send 20 test notifications an hour; try again in 57 min',
      retryAfterSeconds: 3_400,
    });
    fixture.clock.advance(3_400_000);
    expect((await testNotification('inApp')).status).toBe(200);
  });
});
