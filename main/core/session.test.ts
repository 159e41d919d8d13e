import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../service';
import type {
  CatchUpProgress,
  ConnectionState,
  HealthNotice,
  PreferencesSnapshot,
  Profile,
  SyncStatus,
} from '../../common';
import { createServiceClient } from './connection';
import { createRecordingLogger } from '../../test/support/recording-logger';
import { RecordingNotifier } from '../../test/support/recording-notifier';
import { createSystemClock, ObservableValue } from './ports';
import { openSession, type SessionViews } from './session';
import { cachedProfile } from './session-index';
import { createCondition, waitForValue, type Condition } from '../../test/support/wait-for';
import { cleanupAfterEach } from '../../test/support/cleanups';

const jordanToken = 'demo-token-jordan';
const { defer, temporaryFolder } = cleanupAfterEach('ringside-session-');

async function service(): Promise<RunningService> {
  const running = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
  defer(() => running.close());
  return running;
}

function views(): SessionViews & { decisions: number; decided$: Condition } {
  const decided$ = createCondition();
  const fed = {
    decided$,
    connection: new ObservableValue<ConnectionState>({ status: 'connecting' }),
    sync: new ObservableValue<SyncStatus>({ status: 'synced', at: null }),
    preferences: new ObservableValue<PreferencesSnapshot | null>(null),
    health: new ObservableValue<HealthNotice[]>([]),
    unread: new ObservableValue<number>(0),
    catchUp: new ObservableValue<CatchUpProgress | null>(null),
    decisions: 0,
    decided() {
      fed.decisions += 1;
      decided$.signal();
    },
    updated: () => undefined,
    openItem: () => undefined,
    popupCommand: () => undefined,
  };
  return fed;
}

async function open(running: RunningService, dataDir: string, fed: SessionViews) {
  const profile: Profile = await createServiceClient({
    serviceUrl: running.url,
    token: jordanToken,
  }).profile();
  return openSession({
    dataDir,
    serviceUrl: running.url,
    token: jordanToken,
    notifier: new RecordingNotifier(),
    clock: createSystemClock(),
    logger: createRecordingLogger(),
    backoff: { initialMilliseconds: 20, maximumMilliseconds: 200 },
    coalesceWindowMilliseconds: 0,
    profile,
    fresh: true,
    views: fed,
  });
}

describe('a session', () => {
  it('feeds the views while open, keeps the profile for offline starts, and closes whole', async () => {
    const running = await service();
    const dataDir = temporaryFolder();
    const fed = views();
    const session = await open(running, dataDir, fed);
    expect(cachedProfile(dataDir, jordanToken)?.user.id).toBe('user-jordan');
    await session.start();
    await waitForValue(fed.connection, (state) => state.status === 'connected');
    expect(fed.preferences.get()?.preferences.timeZone).toBeTruthy();
    running.inject('user-jordan', {
      kind: 'call',
      lineId: 'line-jordan',
      from: '+14155550123',
      contactName: 'Ann Lee',
      callId: 'call-1',
      state: 'ringing',
    });
    await waitForValue(fed.unread, (count) => count === 1, 'the call in the in-app list');
    // Told once its pop-up's result is recorded.
    await fed.decided$.until(() => fed.decisions === 1, 'the decision');
    expect(session.activity(10).map((item) => item.kind)).toEqual(['call']);

    await session.close();
    expect(fed.connection.get()).toMatchObject({ status: 'offline', reason: 'Stopped' });
    await session.close(); // twice is harmless
    // The store is closed with it.
    expect(() => session.activity(10)).toThrow();
  });

  it('closed while starting, it never connects', async () => {
    const running = await service();
    const fed = views();
    const session = await open(running, temporaryFolder(), fed);
    const starting = session.start();
    await session.close();
    await starting;
    expect(fed.connection.get()).toMatchObject({ status: 'offline', reason: 'Stopped' });
    expect(running.connectedDevices('user-jordan')).toEqual([]);
  });
});
