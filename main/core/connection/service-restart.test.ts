import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCompanion } from '../companion';
import { createSystemClock } from '../ports';
import { injectOverHttp } from '../../../test/support/service-test-client';
import { startServiceProcess, type ServiceProcess } from './service-process';
import { createCondition, waitForValue } from '../../../test/support/wait-for';
import { createRecordingLogger } from '../../../test/support/recording-logger';
import { RecordingNotifier } from '../../../test/support/recording-notifier';
import { cleanupAfterEach } from '../../../test/support/cleanups';

const jordan = { id: 'user-jordan', token: 'demo-token-jordan' };
const adminToken = 'demo-token-sam';
const { defer, temporaryFolder } = cleanupAfterEach('ringside-restart-');

function text(index: number): Record<string, unknown> {
  return {
    kind: 'text',
    lineId: 'line-jordan',
    from: '+14155550123',
    contactName: 'Ann Lee',
    body: `Message ${index}`,
  };
}

/** Every event the service stored for Jordan: the ground truth after the last restart. */
async function storedEventIds(url: string): Promise<string[]> {
  const response = await fetch(`${url}/api/events?afterSeq=0&limit=1000`, {
    headers: { authorization: `Bearer ${jordan.token}` },
  });
  const body = (await response.json()) as { events: Array<{ id: string }> };
  return body.events.map((event) => event.id);
}

describe('the service process killed mid-stream', () => {
  it('SIGKILL and restart on the same port and database: no event lost, none duplicated', async () => {
    const folder = temporaryFolder();
    const databasePath = join(folder, 'service.sqlite');
    let service: ServiceProcess = await startServiceProcess({ databasePath });
    defer(() => service.kill());
    const port = service.port;
    const decided = new Map<string, number>();
    const condition = createCondition();
    const companion = createCompanion({
      dataDir: join(folder, 'companion'),
      serviceUrl: service.url,
      token: jordan.token,
      notifier: new RecordingNotifier(),
      clock: createSystemClock(),
      logger: createRecordingLogger(),
      backoff: { initialMilliseconds: 50, maximumMilliseconds: 300 },
      coalesceWindowMilliseconds: 0,
    });
    defer(() => companion.stop());
    companion.onDecision((item) => {
      decided.set(item.eventId, (decided.get(item.eventId) ?? 0) + 1);
      condition.signal();
    });
    await companion.start();
    await waitForValue(companion.connection, (state) => state.status === 'connected');

    let acknowledged = 0;
    for (let round = 0; round < 3; round += 1) {
      // A burst of events, with the kill landing while the companion is still taking them in.
      const burst = Array.from({ length: 40 }, (_, index) =>
        injectOverHttp(service.url, adminToken, jordan.id, text(round * 100 + index)),
      );
      await condition.until(() => decided.size >= acknowledged + 5, 'part of the burst');
      await service.kill('SIGKILL');
      const results = await Promise.all(burst);
      acknowledged += results.filter((result) => result !== null).length;
      await waitForValue(companion.connection, (state) => state.status === 'reconnecting');
      service = await startServiceProcess({ databasePath, port });
      await waitForValue(companion.connection, (state) => state.status === 'connected');
      // Live again: a few more after the restart.
      for (let index = 0; index < 5; index += 1) {
        if (
          await injectOverHttp(service.url, adminToken, jordan.id, text(round * 100 + 50 + index))
        ) {
          acknowledged += 1;
        }
      }
    }
    const stored = await storedEventIds(service.url);
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged);
    await condition.until(
      () => stored.every((id) => decided.has(id)),
      `all ${stored.length} stored events decided`,
    );
    // None lost: every stored event was decided; none duplicated: each exactly once.
    const fromService = [...decided.keys()].filter((id) => !id.startsWith('local:'));
    expect(fromService.sort()).toEqual([...stored].sort());
    expect([...decided.values()].every((count) => count === 1)).toBe(true);
    process.stdout.write(
      `service restart: ${stored.length} events stored, ${acknowledged} acknowledged, 3 SIGKILLs, ${fromService.length} decided once each\n`,
    );
  }, 90_000);
});
