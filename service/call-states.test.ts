import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { injectEventResultSchema } from '../common';
import { demoLines, demoUsers } from './seed';
import { startService, type RunningService } from './index';
import { callApi } from '../test/support/service-test-client';
import { sampleCallStateBodies, sampleEventBodies } from '../test/support/sample-event-bodies';

let folder: string;
let service: RunningService;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'service-call-states-'));
  service = await startService({ databasePath: join(folder, 'service.sqlite') });
});

afterEach(async () => {
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

const supportCall = (state: string, extra: Record<string, unknown> = {}) => ({
  ...sampleEventBodies.call,
  lineId: demoLines.support.id,
  callId: 'call-ring-group',
  state,
  ...extra,
});

describe('call states', () => {
  it('accepts every state of a call, with who answered, and refuses an unknown state', () => {
    for (const body of Object.values(sampleCallStateBodies)) {
      expect(service.inject(demoUsers.jordan.id, body)).toHaveLength(1);
    }
    expect(() => service.inject(demoUsers.jordan.id, supportCall('onHold'))).toThrow(/state/);
    expect(() =>
      service.inject(demoUsers.jordan.id, supportCall('answered', { answeredBy: { name: 'X' } })),
    ).toThrow(/answeredBy/);
  });

  it('still takes the old ringing and ended events', () => {
    expect(service.inject(demoUsers.jordan.id, supportCall('ringing'))).toHaveLength(1);
    expect(service.inject(demoUsers.jordan.id, supportCall('ended'))).toHaveLength(1);
  });

  it('sends a ring group call answered by one member to every member it rang for', async () => {
    const members = [demoUsers.jordan.id, demoUsers.taylor.id];
    for (const member of members) service.inject(member, supportCall('ringing'));
    const answered = supportCall('answered', {
      answeredBy: { userId: demoUsers.taylor.id, name: demoUsers.taylor.name, device: null },
    });
    // The telephony side reports the answer for the member who took it: both members hear it.
    const reply = await callApi(service.url, service.tokens.alex ?? '', 'POST', '/api/events', {
      userId: demoUsers.taylor.id,
      event: answered,
    });
    const result = injectEventResultSchema.parse(reply.body);
    expect(result.events.map((event) => event.userId).sort()).toEqual([...members].sort());
    // A call nobody else got ringing goes only where it was sent.
    const alone = service.inject(demoUsers.jordan.id, {
      ...supportCall('missed'),
      callId: 'call-only-jordan',
    });
    expect(alone.map((event) => event.userId)).toEqual([demoUsers.jordan.id]);
  });
});
