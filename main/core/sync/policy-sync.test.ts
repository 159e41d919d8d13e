import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  currentProtocol,
  lockOf,
  organisationLocks,
  parseManagedPolicy,
  protocolHeader,
  versionedPreferencesSchema,
} from '../../../common';
import { startService, type RunningService } from '../../../service';
import { demoUsers } from '../../../service/seed';
import { CompanionError } from '../companion-api';
import { cleanupAfterEach } from '../../../test/support/cleanups';
import { openDevice, type Device } from '../../../test/support/sync-device';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-policy-sync-');

/** The managed policy's locks, through the one parser (as the shells read them). */
function locksOf(lockedSettings: Record<string, unknown>) {
  const parsed = parseManagedPolicy({ lockedSettings });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return organisationLocks(parsed.policy);
}

async function service(): Promise<RunningService> {
  const running = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
  defer(() => running.close());
  return running;
}

function device(
  running: RunningService,
  user: (typeof demoUsers)['sam' | 'jordan'],
  lockedSettings: Record<string, unknown>,
  dataDir = temporaryFolder(),
): Device {
  const opened = openDevice({
    baseUrl: running.url,
    token: user.token,
    user: { id: user.id, role: user.role },
    dataDir,
    extra: { organisationLocks: locksOf(lockedSettings) },
  });
  defer(() => opened.close());
  return opened;
}

async function serverPreferences(running: RunningService, token: string) {
  const response = await fetch(`${running.url}/api/preferences`, {
    headers: { authorization: `Bearer ${token}`, [protocolHeader]: String(currentProtocol) },
  });
  return versionedPreferencesSchema.parse(await response.json());
}

function refusalOf(action: () => unknown): CompanionError | null {
  try {
    action();
    return null;
  } catch (error) {
    if (error instanceof CompanionError) return error;
    throw error;
  }
}

describe('the managed policy in the companion sync', () => {
  it('lays the locked values over the preferences and refuses edits that move them, locally', async () => {
    const running = await service();
    const jordan = device(running, demoUsers.jordan, {
      fisherMode: true,
      'quietHours.enabled': true,
    });
    await jordan.engine.start();
    const snapshot = jordan.engine.snapshot();
    expect(snapshot?.preferences.fisherMode).toBe(true);
    expect(snapshot?.preferences.quietHours.enabled).toBe(true);
    expect(lockOf(snapshot?.locks ?? [], 'fisherMode')).toMatchObject({
      source: 'organisation',
      reason: 'Locked by your organisation',
    });
    const current = snapshot?.preferences;
    if (!current) throw new Error('not loaded');
    const refused = refusalOf(() => jordan.engine.edit({ ...current, fisherMode: false }));
    expect(refused?.code).toBe('forbidden');
    expect(refused?.message).toBe('Locked by your organisation');
    // Another field still changes, and the locked ones stay as the policy holds them.
    const edited = jordan.engine.edit({ ...current, leadScoreThreshold: 80 });
    expect(edited.preferences).toMatchObject({ leadScoreThreshold: 80, fisherMode: true });
  });

  it('writes the locked values upstream once, so the service (email, SMS) follows them', async () => {
    const running = await service();
    const before = await serverPreferences(running, demoUsers.jordan.token);
    expect(before.preferences.fisherMode).toBe(false);
    expect(before.preferences.alertChannels.mention.email).toBe(true);
    const dataDir = temporaryFolder();
    const jordan = device(
      running,
      demoUsers.jordan,
      {
        fisherMode: true,
        'alertChannels.mention.email': false,
      },
      dataDir,
    );
    await jordan.engine.start();
    await jordan.engine.flush();
    const after = await serverPreferences(running, demoUsers.jordan.token);
    expect(after.preferences.fisherMode).toBe(true);
    expect(after.preferences.alertChannels.mention.email).toBe(false);
    expect(after.version).toBe(before.version + 1);
    // A restart under the same policy finds nothing to write.
    await jordan.close();
    const again = device(
      running,
      demoUsers.jordan,
      {
        fisherMode: true,
        'alertChannels.mention.email': false,
      },
      dataDir,
    );
    await again.engine.start();
    await again.engine.flush();
    expect((await serverPreferences(running, demoUsers.jordan.token)).version).toBe(after.version);
  });

  it('policy over business: holds a mandatory channel off here, and does not send what the service refuses', async () => {
    const running = await service();
    const before = await serverPreferences(running, demoUsers.sam.token);
    const sam = device(running, demoUsers.sam, { 'alertChannels.paymentFailed.email': false });
    await sam.engine.start();
    await sam.engine.flush();
    const snapshot = sam.engine.snapshot();
    expect(snapshot?.preferences.alertChannels.paymentFailed.email).toBe(false);
    // Both sources lock the field; the organisation is the stronger.
    expect(
      snapshot?.locks.filter((lock) => lock.field === 'alertChannels.paymentFailed.email'),
    ).toHaveLength(2);
    expect(lockOf(snapshot?.locks ?? [], 'alertChannels.paymentFailed.email')?.source).toBe(
      'organisation',
    );
    expect(sam.engine.status.get()).toMatchObject({ status: 'synced' });
    expect((await serverPreferences(running, demoUsers.sam.token)).version).toBe(before.version);
  });
});
