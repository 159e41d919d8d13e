import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../common';
import { createSystemClock } from '../../main/core/ports';
import { openStore, type Store } from '../../main/core/store';
import { SyncEngine, type SyncEngineOptions } from '../../main/core/sync/sync-engine';
import { HttpSyncTransport } from '../../main/core/sync/transport';

/** One companion install for tests and benchmarks: its own data folder, store and engine. */
export interface Device {
  dataDir: string;
  deviceId: string;
  store: Store;
  transport: HttpSyncTransport;
  engine: SyncEngine;
  /** Stops the engine and closes the store (the data folder stays, for a restart). */
  close(): Promise<void>;
}

export interface DeviceOptions {
  baseUrl: string;
  token: string;
  user: { id: string; role: Role };
  /** Default: a fresh temp folder. */
  dataDir?: string;
  deviceId?: string;
  extra?: Partial<SyncEngineOptions>;
}

/** Opens (or reopens) a device over the real store and the real HTTP transport. */
export function openDevice(options: DeviceOptions): Device {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ringside-sync-'));
  const store = openStore({ dataDir, userId: options.user.id });
  const deviceId =
    options.deviceId ??
    store.meta.get('deviceId') ??
    `device-${Math.random().toString(36).slice(2, 10)}`;
  store.meta.set('deviceId', deviceId);
  const transport = new HttpSyncTransport({
    baseUrl: options.baseUrl,
    token: options.token,
    deviceId,
  });
  const engine = new SyncEngine({
    store,
    transport,
    clock: createSystemClock(),
    user: options.user,
    deviceId,
    // Short steps so tests and benchmarks do not wait on the production backoff.
    retry: { initialMilliseconds: 20, maxMilliseconds: 200 },
    ...options.extra,
  });
  return {
    dataDir,
    deviceId,
    store,
    transport,
    engine,
    async close() {
      await engine.stop();
      store.close();
    },
  };
}
