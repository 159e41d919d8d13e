import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServiceProcess, type ServiceProcess } from '../main/core/connection/service-process';
import { serviceResetNotice } from '../main/core/session';
import { cleanupAfterEach } from './support/cleanups';
import { faultFigures, outboxOf, printFigures, startHarness } from './support/companion-harness';
import { editPreferencesOverHttp, injectOverHttp } from './support/service-test-client';
import { createSystemClock } from '../main/core/ports';
import { waitForValue } from './support/wait-for';

const jordan = { id: 'user-jordan', token: 'demo-token-jordan' };
const adminToken = 'demo-token-sam';
const { defer, temporaryFolder } = cleanupAfterEach('ringside-reset-');

function text(index: number): Record<string, unknown> {
  return {
    kind: 'text',
    lineId: 'line-jordan',
    from: `+1415555${String(1000 + index).padStart(4, '0')}`,
    contactName: null,
    body: `Message ${index}`,
  };
}

async function inject(service: ServiceProcess, index: number): Promise<string[]> {
  const stored = await injectOverHttp(service.url, adminToken, jordan.id, text(index));
  if (!stored) throw new Error('The service stored nothing');
  return stored.map((event) => event.id);
}

describe('the service reset (its database deleted and made again)', () => {
  it('fetches the new epoch from its start: all 10 events shown once, the reset said once', async () => {
    const folder = temporaryFolder();
    const databasePath = join(folder, 'service.sqlite');
    let service = await startServiceProcess({ databasePath });
    defer(() => service.kill());
    const port = service.port;
    const harness = startHarness({
      dataDir: join(folder, 'companion'),
      serviceUrl: service.url,
      token: jordan.token,
      clock: createSystemClock(),
      // Slow enough that the 10 events are emitted while the companion waits to reconnect.
      backoff: { initialMilliseconds: 1_000, maximumMilliseconds: 1_000, jitter: 0 },
      coalesceWindowMilliseconds: 0,
    });
    defer(() => harness.companion.stop());
    await harness.companion.start();
    await waitForValue(harness.companion.connection, (state) => state.status === 'connected');
    const before: string[] = [];
    await editPreferencesOverHttp(service.url, jordan.token, (preferences) => {
      preferences.alertChannels.textPersonal.email = true;
    });
    for (let index = 0; index < 5; index += 1) before.push(...(await inject(service, index)));
    await harness.changed.until(
      () => before.every((id) => harness.decisions.has(id)),
      'the first 5 decisions',
    );
    const store = harness.store();
    const firstEpoch = store.events.epoch();
    expect(firstEpoch).toMatch(/^epoch-/);
    expect(store.events.lastSeq()).toBe(5);

    await service.kill('SIGKILL');
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });
    await waitForValue(harness.companion.connection, (state) => state.status === 'reconnecting');
    service = await startServiceProcess({ databasePath, port });
    // The new database starts from the defaults: email for texts on again, as before the reset.
    await editPreferencesOverHttp(service.url, jordan.token, (preferences) => {
      preferences.alertChannels.textPersonal.email = true;
    });
    const after: string[] = [];
    for (let index = 100; index < 110; index += 1) after.push(...(await inject(service, index)));
    await harness.changed.until(
      () => after.every((id) => harness.decisions.has(id)),
      'the 10 events after the reset',
    );
    // Their seqs restart at 1: with the old cursor (5) the first five would have been skipped.
    expect(store.events.lastSeq()).toBe(10);
    expect(store.events.epoch()).not.toBe(firstEpoch);
    // The records stay.
    expect(before.every((id) => store.events.has(id))).toBe(true);
    expect(harness.noticesSeen.filter((code) => code === 'serviceReset')).toHaveLength(1);
    expect(harness.logged(serviceResetNotice)).toHaveLength(1);
    expect(harness.companion.health.get()).toContainEqual({
      code: 'serviceReset',
      message: serviceResetNotice,
    });
    const figures = faultFigures(harness, after, await outboxOf(service, jordan.token));
    printFigures('service reset', figures);
    expect(figures).toMatchObject({ in: 10, recorded: 10, shown: 10, lost: 0, twice: 0 });
    // The first text after the reset is emailed; the service holds the other 9 for its digest.
    expect(figures.emailed).toBe(1);
    const emailStatuses = after.map(
      (id) => harness.items.get(id)?.channels.find((report) => report.channel === 'email')?.status,
    );
    expect(emailStatuses).toEqual(['sent', ...Array<string>(9).fill('held')]);
  }, 60_000);
});
