import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import {
  appliedChangesSchema,
  currentProtocol,
  protocolHeader,
  roleRefusals,
  versionedBusinessDefaultsSchema,
  versionedPreferencesSchema,
  type BusinessDefaults,
  type UserPreferences,
} from '../../../common';
import { startService, type RunningService } from '../../../service';
import { CompanionError } from '../companion-api';
import { createSystemClock, type Clock } from '../ports';
import { retryDelay } from './backoff';
import { openDevice, type Device, type DeviceOptions } from '../../../test/support/sync-device';
import { waitForValue } from '../../../test/support/wait-for';
import { cleanupAfterEach } from '../../../test/support/cleanups';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-sync-test-');

async function service(
  options: { databasePath?: string; port?: number } = {},
): Promise<RunningService> {
  const running = await startService({
    databasePath: options.databasePath ?? join(temporaryFolder(), 'service.sqlite'),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  defer(() => running.close());
  return running;
}

type UserKey = 'sam' | 'alex' | 'jordan' | 'taylor';

function userOf(running: RunningService, key: UserKey) {
  const user = running.users.find((candidate) => candidate.key === key);
  if (!user) throw new Error(`no demo user ${key}`);
  return user;
}

function device(
  running: RunningService,
  key: UserKey,
  extra: Partial<Omit<DeviceOptions, 'baseUrl' | 'token' | 'user'>> = {},
): Device {
  const user = userOf(running, key);
  const opened = openDevice({
    baseUrl: running.url,
    token: user.token,
    user: { id: user.id, role: user.role },
    dataDir: extra.dataDir ?? temporaryFolder(),
    ...(extra.deviceId === undefined ? {} : { deviceId: extra.deviceId }),
    ...(extra.extra === undefined ? {} : { extra: extra.extra }),
  });
  defer(() => opened.close());
  return opened;
}

async function serverPreferences(running: RunningService, key: UserKey) {
  const response = await fetch(`${running.url}/api/preferences`, {
    headers: {
      authorization: `Bearer ${userOf(running, key).token}`,
      [protocolHeader]: String(currentProtocol),
    },
  });
  return versionedPreferencesSchema.parse(await response.json());
}

async function appliedChanges(running: RunningService, key: UserKey) {
  const response = await fetch(`${running.url}/api/debug/applied-changes`, {
    headers: { authorization: `Bearer ${userOf(running, key).token}` },
  });
  return appliedChangesSchema.parse(await response.json()).changes;
}

/** A real socket of the device, forwarding the service's pushes to its engine. */
async function connectPushes(
  running: RunningService,
  key: UserKey,
  target: Device,
): Promise<Socket> {
  const socket = io(running.url, {
    auth: {
      token: userOf(running, key).token,
      afterSeq: 0,
      deviceId: target.deviceId,
      protocol: currentProtocol,
    },
    transports: ['websocket'],
    reconnection: false,
  });
  defer(() => {
    socket.close();
  });
  socket.on('preferencesChanged', (payload: unknown) => {
    target.engine.applyServerPush('preferencesChanged', payload);
  });
  socket.on('businessDefaultsChanged', (payload: unknown) => {
    target.engine.applyServerPush('businessDefaultsChanged', payload);
  });
  await new Promise<void>((resolve, reject) => {
    socket.on('replayDone', () => resolve());
    socket.on('connect_error', reject);
  });
  return socket;
}

function localPreferences(target: Device): UserPreferences {
  const snapshot = target.engine.snapshot();
  if (!snapshot) throw new Error('not loaded');
  return snapshot.preferences;
}

function withEmail(preferences: UserPreferences, address: string): UserPreferences {
  return {
    ...preferences,
    channels: { ...preferences.channels, email: { ...preferences.channels.email, address } },
  };
}

describe('sync engine against the real service', () => {
  it('downloads on start, commits an edit locally at once and reaches the service', async () => {
    const running = await service();
    const jordan = device(running, 'jordan');
    expect(jordan.engine.snapshot()).toBeNull();
    expect(jordan.engine.preferences.get()).toBeNull();
    await jordan.engine.start();
    expect(jordan.engine.preferences.get()).toEqual(jordan.engine.snapshot());
    const before = localPreferences(jordan);
    const snapshot = jordan.engine.edit({ ...before, fisherMode: !before.fisherMode });

    // Committed before any request: the local copy, the outbox row and the history row are there.
    expect(snapshot.preferences.fisherMode).toBe(!before.fisherMode);
    expect(jordan.store.preferences.localPreferences()?.fisherMode).toBe(!before.fisherMode);
    expect(jordan.engine.history(1)[0]).toMatchObject({
      field: 'fisherMode',
      oldValue: before.fisherMode,
      newValue: !before.fisherMode,
      origin: 'local',
      deviceId: jordan.deviceId,
    });

    expect(await jordan.engine.flush()).toMatchObject({ status: 'synced' });
    expect(jordan.store.outbox.count()).toBe(0);
    const server = await serverPreferences(running, 'jordan');
    expect(server.preferences.fisherMode).toBe(!before.fisherMode);
    expect(jordan.engine.snapshot()?.preferencesVersion).toBe(server.version);
  });

  it('keeps edits made while the service is down across a companion restart and delivers them when it returns', async () => {
    const databasePath = join(temporaryFolder(), 'service.sqlite');
    const first = await service({ databasePath });
    const port = first.port;
    const dataDir = temporaryFolder();
    let jordan = device(first, 'jordan', { dataDir });
    await jordan.engine.start();
    const before = localPreferences(jordan);
    await first.close();

    jordan.engine.edit(withEmail(before, 'jordan.offline@example.com'));
    jordan.engine.edit({ ...localPreferences(jordan), leadScoreThreshold: 77 });
    expect(await jordan.engine.flush()).toMatchObject({ status: 'offline', count: 2 });
    await jordan.close();

    // The companion restarts, still offline: the edits are on disk.
    jordan = device(first, 'jordan', { dataDir });
    expect(jordan.store.outbox.count()).toBe(2);
    expect(localPreferences(jordan).channels.email.address).toBe('jordan.offline@example.com');
    await jordan.engine.start();
    expect(jordan.engine.status.get()).toMatchObject({ status: 'offline', count: 2 });

    // The service comes back on the same database and port.
    const second = await service({ databasePath, port });
    jordan.engine.retryNow();
    await waitForValue(jordan.engine.status, (status) => status.status === 'synced', 'synced');
    const server = await serverPreferences(second, 'jordan');
    expect(server.preferences.channels.email.address).toBe('jordan.offline@example.com');
    expect(server.preferences.leadScoreThreshold).toBe(77);
    // Two offline edits, coalesced into one request.
    expect(await appliedChanges(second, 'jordan')).toHaveLength(1);
  });

  it('two devices editing different fields at once lose neither edit', async () => {
    const running = await service();
    const laptop = device(running, 'jordan');
    const desktop = device(running, 'jordan');
    await Promise.all([laptop.engine.start(), desktop.engine.start()]);
    await connectPushes(running, 'jordan', laptop);
    await connectPushes(running, 'jordan', desktop);

    const base = localPreferences(laptop);
    laptop.engine.edit({ ...base, fisherMode: !base.fisherMode });
    desktop.engine.edit({ ...base, leadScoreThreshold: 12 });
    await Promise.all([laptop.engine.flush(), desktop.engine.flush()]);

    const server = await serverPreferences(running, 'jordan');
    expect(server.preferences.fisherMode).toBe(!base.fisherMode);
    expect(server.preferences.leadScoreThreshold).toBe(12);
    // Both devices converge on the service's document, through pushes or the 412 merge.
    for (const target of [laptop, desktop]) {
      await waitForValue(
        target.engine.preferences,
        (snapshot) => snapshot?.preferencesVersion === server.version,
        'the latest version',
      );
      expect(localPreferences(target)).toEqual(server.preferences);
      expect(target.engine.status.get().status).toBe('synced');
    }
  });

  it('on the same field the service’s value wins and the overridden edit is reported', async () => {
    const running = await service();
    const laptop = device(running, 'jordan');
    const desktop = device(running, 'jordan');
    await Promise.all([laptop.engine.start(), desktop.engine.start()]);
    const base = localPreferences(laptop);

    laptop.engine.edit(withEmail(base, 'laptop@example.com'));
    await laptop.engine.flush();
    // The desktop has not heard of it (no socket) and edits the same field plus another one.
    desktop.engine.edit({ ...withEmail(base, 'desktop@example.com'), leadScoreThreshold: 33 });
    const status = await desktop.engine.flush();

    expect(status).toMatchObject({
      status: 'conflictResolved',
      overridden: [
        {
          field: 'channels.email.address',
          yours: 'desktop@example.com',
          theirs: 'laptop@example.com',
        },
      ],
    });
    const server = await serverPreferences(running, 'jordan');
    expect(server.preferences.channels.email.address).toBe('laptop@example.com');
    expect(server.preferences.leadScoreThreshold).toBe(33);
    expect(localPreferences(desktop)).toEqual(server.preferences);
    expect(desktop.engine.history(10)).toContainEqual(
      expect.objectContaining({
        field: 'channels.email.address',
        oldValue: 'desktop@example.com',
        newValue: 'laptop@example.com',
        origin: 'server',
        note: expect.stringContaining('Conflict') as unknown,
      }),
    );
  });

  it('a push that changes a field with a pending edit wins over it, and is reported', async () => {
    const running = await service();
    const laptop = device(running, 'jordan');
    const desktop = device(running, 'jordan');
    await Promise.all([laptop.engine.start(), desktop.engine.start()]);
    await desktop.engine.stop(); // the desktop keeps its edit pending
    const base = localPreferences(laptop);
    desktop.engine.edit(withEmail(base, 'desktop@example.com'));

    laptop.engine.edit(withEmail(base, 'laptop@example.com'));
    await laptop.engine.flush();
    const server = await serverPreferences(running, 'jordan');
    expect(
      desktop.engine.applyServerPush('preferencesChanged', {
        version: server.version,
        preferences: server.preferences,
        deviceId: laptop.deviceId,
      }),
    ).toBe(true);
    expect(desktop.store.outbox.count()).toBe(0);
    expect(localPreferences(desktop).channels.email.address).toBe('laptop@example.com');
    expect(desktop.engine.status.get()).toMatchObject({ status: 'conflictResolved' });
  });

  it('refuses account-level and billing edits locally with the service’s words, before the outbox', async () => {
    const running = await service();
    const jordan = device(running, 'jordan');
    const alex = device(running, 'alex');
    await Promise.all([jordan.engine.start(), alex.engine.start()]);

    const agentPreferences = localPreferences(jordan);
    const agentEdit = () =>
      jordan.engine.edit({
        ...agentPreferences,
        accountAlerts: {
          ...agentPreferences.accountAlerts,
          reportDailyActivity: !agentPreferences.accountAlerts.reportDailyActivity,
        },
      });
    expect(agentEdit).toThrow(CompanionError);
    expect(agentEdit).toThrow(roleRefusals.accountAlertsNeedAdmin);

    // Turning billing warnings off is allowed; turning them back on needs a billing admin.
    const seeded = localPreferences(alex);
    if (seeded.accountAlerts.billingWarning) {
      alex.engine.edit({
        ...seeded,
        accountAlerts: { ...seeded.accountAlerts, billingWarning: false },
      });
      expect(await alex.engine.flush()).toMatchObject({ status: 'synced' });
    }
    const adminPreferences = localPreferences(alex);
    expect(() =>
      alex.engine.edit({
        ...adminPreferences,
        accountAlerts: { ...adminPreferences.accountAlerts, billingWarning: true },
      }),
    ).toThrow(roleRefusals.billingWarningsNeedBillingAdmin);
    const business = jordan.engine.snapshot()?.business;
    if (!business) throw new Error('not loaded');
    expect(() => jordan.engine.editBusinessDefaults(business)).toThrow(
      roleRefusals.businessDefaultsNeedAdmin,
    );

    expect(jordan.store.outbox.count()).toBe(0);
    expect(alex.store.outbox.count()).toBe(0);
    expect(localPreferences(alex).accountAlerts.billingWarning).toBe(false);
    expect(() => jordan.engine.edit({ ...agentPreferences, leadScoreThreshold: 900 })).toThrow(
      /leadScoreThreshold/,
    );
  });

  it('a role refusal from the service drops the edit, reverts the field and says why', async () => {
    const running = await service();
    // This device believes Jordan is an admin (a stale role): the service knows better.
    const jordanUser = userOf(running, 'jordan');
    const jordan = openDevice({
      baseUrl: running.url,
      token: jordanUser.token,
      user: { id: jordanUser.id, role: 'admin' },
      dataDir: temporaryFolder(),
    });
    defer(() => jordan.close());
    await jordan.engine.start();
    const before = localPreferences(jordan);
    const flipped = !before.accountAlerts.reportDailyActivity;
    jordan.engine.edit({
      ...before,
      accountAlerts: { ...before.accountAlerts, reportDailyActivity: flipped },
    });
    expect(localPreferences(jordan).accountAlerts.reportDailyActivity).toBe(flipped);

    const status = await jordan.engine.flush();
    expect(status).toEqual({
      status: 'error',
      reason: roleRefusals.accountAlertsNeedAdmin,
      count: 0,
    });
    expect(jordan.store.outbox.count()).toBe(0);
    expect(localPreferences(jordan).accountAlerts.reportDailyActivity).toBe(!flipped);
    expect(jordan.engine.history(1)[0]).toMatchObject({
      field: 'accountAlerts.reportDailyActivity',
      origin: 'server',
      note: expect.stringContaining(roleRefusals.accountAlertsNeedAdmin) as unknown,
    });
  });

  it('business defaults pushed from an admin narrow what the user had on, and history says why', async () => {
    const running = await service();
    const alex = device(running, 'alex');
    const jordan = device(running, 'jordan');
    await Promise.all([alex.engine.start(), jordan.engine.start()]);
    await connectPushes(running, 'jordan', jordan);
    expect(localPreferences(jordan).alerts.mention).toBe(true);

    const defaults = alex.engine.snapshot()?.business;
    if (!defaults) throw new Error('not loaded');
    expect(defaults.alerts.mention.enabled).toBe(true);
    alex.engine.editBusinessDefaults({
      ...defaults,
      alerts: { ...defaults.alerts, mention: { ...defaults.alerts.mention, enabled: false } },
    });
    expect(await alex.engine.flush()).toMatchObject({ status: 'synced' });
    const server = versionedBusinessDefaultsSchema.parse(
      await (
        await fetch(`${running.url}/api/business-defaults`, {
          headers: { authorization: `Bearer ${userOf(running, 'jordan').token}` },
        })
      ).json(),
    );
    expect(server.defaults.alerts.mention.enabled).toBe(false);

    await waitForValue(
      jordan.engine.preferences,
      (snapshot) => snapshot?.businessVersion === server.version,
      'the pushed business defaults',
    );
    expect(jordan.engine.snapshot()?.business.alerts.mention.enabled).toBe(false);
    // The user's own switch is kept; the history explains the narrowing.
    expect(localPreferences(jordan).alerts.mention).toBe(true);
    expect(jordan.engine.history(10)).toContainEqual(
      expect.objectContaining({
        field: 'alerts.mention',
        oldValue: true,
        newValue: false,
        origin: 'server',
        note: expect.stringContaining('Business defaults turned this off') as unknown,
      }),
    );
  });

  it('ignores invalid and stale pushes', async () => {
    const running = await service();
    const jordan = device(running, 'jordan');
    await jordan.engine.start();
    const snapshot = jordan.engine.snapshot();
    if (!snapshot) throw new Error('not loaded');
    expect(jordan.engine.applyServerPush('preferencesChanged', { version: 'x' })).toBe(false);
    expect(
      jordan.engine.applyServerPush('preferencesChanged', {
        version: snapshot.preferencesVersion,
        preferences: { ...snapshot.preferences, fisherMode: !snapshot.preferences.fisherMode },
        deviceId: null,
      }),
    ).toBe(false);
    expect(jordan.engine.snapshot()).toEqual(snapshot);
  });
});

type ProxyFault = 'unavailable' | 'reset' | 'lost';

/**
 * A real HTTP hop between a device and the service that can fail PUTs on purpose: answer 503,
 * reset the connection before forwarding, or forward and then lose the answer (the service has
 * applied the change, the device never hears so). `down` resets every request.
 */
interface FlakyProxy {
  url: string;
  faults: ProxyFault[];
  down: boolean;
  puts: number;
  /** Answers the service marked `idempotent-replayed` (a key it had already applied). */
  replayed: number;
}

async function flakyProxy(target: string): Promise<FlakyProxy> {
  const proxy: FlakyProxy = { url: '', faults: [], down: false, puts: 0, replayed: 0 };
  const forwardedHeaders = [
    'authorization',
    'content-type',
    'if-match',
    'idempotency-key',
    'x-device-id',
  ];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const fault = request.method === 'PUT' ? proxy.faults.shift() : undefined;
        if (request.method === 'PUT') proxy.puts += 1;
        if (proxy.down || fault === 'reset') {
          request.socket.destroy();
          return;
        }
        if (fault === 'unavailable') {
          response.writeHead(503, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: 'internal', reason: 'Briefly unavailable' }));
          return;
        }
        const headers: Record<string, string> = {};
        for (const name of forwardedHeaders) {
          const value = request.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const answer = await fetch(new URL(request.url ?? '/', target), {
          method: request.method ?? 'GET',
          headers,
          ...(chunks.length === 0 ? {} : { body: Buffer.concat(chunks) }),
        });
        const text = await answer.text();
        if (answer.headers.get('idempotent-replayed') === 'true') proxy.replayed += 1;
        if (fault === 'lost') {
          request.socket.destroy();
          return;
        }
        response.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'application/json',
          ...(answer.headers.get('etag') ? { etag: answer.headers.get('etag') ?? '' } : {}),
        });
        response.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

/** The system clock, recording every delay the engine asks for. */
function recordingClock(): { clock: Clock; delays: number[] } {
  const system = createSystemClock();
  const delays: number[] = [];
  return {
    delays,
    clock: {
      now: () => system.now(),
      setTimeout: (callback, milliseconds) => {
        delays.push(milliseconds);
        return system.setTimeout(callback, milliseconds);
      },
      clearTimeout: (handle) => system.clearTimeout(handle),
    },
  };
}

function deviceThrough(proxy: FlakyProxy, running: RunningService, key: UserKey, clock?: Clock) {
  const user = userOf(running, key);
  const opened = openDevice({
    baseUrl: proxy.url,
    token: user.token,
    user: { id: user.id, role: user.role },
    dataDir: temporaryFolder(),
    extra: {
      retry: { initialMilliseconds: 10, maxMilliseconds: 40 },
      ...(clock === undefined ? {} : { clock }),
    },
  });
  defer(() => opened.close());
  return opened;
}

describe('sync engine over a failing link', () => {
  it('backs off (capped, with jitter) through 5xx, resets and lost answers, and applies the edit once', async () => {
    const running = await service();
    const proxy = await flakyProxy(running.url);
    const { clock, delays } = recordingClock();
    const jordan = deviceThrough(proxy, running, 'jordan', clock);
    await jordan.engine.start();
    const before = localPreferences(jordan);
    proxy.faults.push('unavailable', 'reset', 'lost', 'unavailable', 'unavailable', 'lost');
    const seen: string[] = [];
    jordan.engine.status.subscribe((status) => seen.push(status.status));

    jordan.engine.edit({ ...before, leadScoreThreshold: 64 });
    await waitForValue(jordan.engine.status, (status) => status.status === 'synced', 'synced');

    expect(proxy.faults).toEqual([]);
    expect(proxy.puts).toBe(7);
    // The first lost answer was a change applied; both later tries that reached the service
    // carried the same key and got that first answer back instead of a second change.
    expect(proxy.replayed).toBe(2);
    expect(await appliedChanges(running, 'jordan')).toHaveLength(1);
    expect((await serverPreferences(running, 'jordan')).preferences.leadScoreThreshold).toBe(64);
    expect(jordan.store.outbox.count()).toBe(0);
    // Unreachable (reset, lost) reads as offline; a service that answers 503 is reachable: pending.
    expect(seen.slice(0, 4)).toEqual(['pending', 'offline', 'pending', 'offline']);
    expect(seen.at(-1)).toBe('synced');
    // One wait per failure, each within [step/2, step] of the doubling step, never above the cap.
    expect(delays).toHaveLength(6);
    delays.forEach((delay, index) => {
      const step = retryDelay(index + 1, { initialMilliseconds: 10, maxMilliseconds: 40 }, () => 1);
      expect(delay).toBeGreaterThanOrEqual(step / 2);
      expect(delay).toBeLessThanOrEqual(Math.min(step, 40));
    });
  });

  it('coalesces offline edits into few requests without losing or reordering any', async () => {
    const running = await service();
    const proxy = await flakyProxy(running.url);
    const alex = deviceThrough(proxy, running, 'alex');
    await alex.engine.start();
    proxy.down = true;

    // A fixed pseudo-random walk over a few fields of both documents (an admin edits both).
    let seed = 7;
    const next = (modulo: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % modulo;
    };
    let documents = 0;
    let previous: 'preferences' | 'businessDefaults' | null = null;
    for (let step = 0; step < 200; step += 1) {
      const snapshot = alex.engine.snapshot();
      if (!snapshot) throw new Error('not loaded');
      const choice = next(10);
      const document = choice < 8 ? 'preferences' : 'businessDefaults';
      if (document !== previous) documents += 1;
      previous = document;
      if (document === 'preferences') {
        const preferences: UserPreferences = snapshot.preferences;
        if (choice < 3) alex.engine.edit({ ...preferences, leadScoreThreshold: next(101) });
        else if (choice < 6) alex.engine.edit({ ...preferences, fisherMode: next(2) === 0 });
        else alex.engine.edit(withEmail(preferences, `alex-${next(5)}@example.com`));
      } else {
        const business: BusinessDefaults = snapshot.business;
        alex.engine.editBusinessDefaults({
          ...business,
          notificationEmail: `office-${next(5)}@example.com`,
        });
      }
    }
    const local = alex.engine.snapshot();
    if (!local) throw new Error('not loaded');
    const pending = alex.store.outbox.count();
    expect(await alex.engine.flush()).toMatchObject({ status: 'offline', count: pending });

    proxy.down = false;
    proxy.puts = 0;
    alex.engine.retryNow();
    await waitForValue(
      alex.engine.status,
      (status) => status.status === 'synced',
      'synced',
      20_000,
    );

    // Every last value reached the service, in both documents, and the local copy is the service's.
    const server = await serverPreferences(running, 'alex');
    expect(server.preferences).toEqual(local.preferences);
    const defaults = versionedBusinessDefaultsSchema.parse(
      await (
        await fetch(`${running.url}/api/business-defaults`, {
          headers: { authorization: `Bearer ${userOf(running, 'alex').token}` },
        })
      ).json(),
    );
    expect(defaults.defaults).toEqual(local.business);
    expect(alex.engine.snapshot()?.preferences).toEqual(local.preferences);
    // At most one request per run of edits to the same document (fewer when a run undoes itself).
    expect(proxy.puts).toBeLessThanOrEqual(documents);
    expect((await appliedChanges(running, 'alex')).length).toBeLessThanOrEqual(documents);
  });
});
