import { describe, expect, it } from 'vitest';
import { outboundLimits, type ChannelReport } from '../common';
import { demoContacts, demoLines, demoUsers } from '../service';
import { cleanupAfterEach } from './support/cleanups';
import { startHarness, type CompanionHarness } from './support/companion-harness';
import { ServiceFixture } from './support/service-fixture';
import { waitForValue } from './support/wait-for';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-digest-outcome-');
const minute = 60_000;

function emailOf(harness: CompanionHarness, eventId: string): ChannelReport | undefined {
  return harness.items.get(eventId)?.channels.find((report) => report.channel === 'email');
}

describe('an email held for a digest, as the companion shows it', () => {
  it('a burst of texts: the held ones say "held" with the digest time, then "sent in a digest" with its outbox id once it goes out, told once each', async () => {
    const service = new ServiceFixture(temporaryFolder());
    await service.start();
    defer(() => service.stop());
    await service.editPreferences('jordan', (preferences) => {
      preferences.alertChannels.textPersonal.email = true;
    });
    const harness = startHarness({
      dataDir: temporaryFolder(),
      serviceUrl: service.service.url,
      token: service.token('jordan'),
      clock: service.clock,
      backoff: { initialMilliseconds: 100, maximumMilliseconds: 100, jitter: 0 },
      coalesceWindowMilliseconds: 1_000,
    });
    defer(() => harness.companion.stop());
    await harness.companion.start();
    await waitForValue(harness.companion.connection, (state) => state.status === 'connected');

    const start = service.clock.now();
    const ids: string[] = [];
    for (let index = 1; index <= 5; index += 1) {
      const [event] = service.service.inject(demoUsers.jordan.id, {
        kind: 'text',
        lineId: demoLines.jordan.id,
        from: demoContacts.ann.number,
        contactName: demoContacts.ann.name,
        body: `Message ${index}`,
      });
      if (event) ids.push(event.id);
      service.clock.advance(500);
    }
    const [first, ...held] = ids;
    if (!first) throw new Error('No text was injected');
    await harness.changed.until(
      () => ids.every((id) => harness.store().events.has(id)),
      'five texts recorded',
    );
    // Past the coalescing window: the grouped pop-up shows, and the decisions are settled.
    service.clock.advance(2_000);
    await harness.changed.until(
      () => ids.every((id) => harness.decisions.has(id)),
      'five texts decided',
    );
    const outbox = await service.outbox('jordan');
    expect(emailOf(harness, first)).toMatchObject({ status: 'sent', outboxId: outbox[0]?.id });
    for (const id of held) {
      expect(emailOf(harness, id)).toMatchObject({
        status: 'held',
        code: 'heldForDigest',
        explanation: expect.stringMatching(/^Held for a digest at /u) as unknown,
      });
    }

    service.clock.advanceTo(start + outboundLimits.email.burstWindowMinutes * minute);
    await harness.changed.until(
      () => held.every((id) => emailOf(harness, id)?.status === 'sent'),
      'the held emails reported sent in the digest',
    );
    const digest = (await service.outbox('jordan')).at(-1);
    expect(digest?.eventId).toBeNull();
    for (const id of held) {
      expect(emailOf(harness, id)).toEqual({
        channel: 'email',
        status: 'sent',
        outboxId: digest?.id,
        destination: 'jordan@harbor-dental.example.com',
        digest: true,
      });
      expect(harness.updates.get(id)).toBe(1);
      // Written with the event: a restart shows the same.
      expect(harness.store().events.get(id)?.outcome?.deliveries).toContainEqual(
        expect.objectContaining({ channel: 'email', status: 'digested', outboxId: digest?.id }),
      );
    }
    expect(harness.updates.get(first)).toBeUndefined();
    expect(ids.every((id) => harness.decisions.get(id) === 1)).toBe(true);
  });
});
