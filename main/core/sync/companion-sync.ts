import type {
  BusinessDefaults,
  PreferencesSnapshot,
  Profile,
  SettingLock,
  SyncStatus,
  UserPreferences,
} from '../../../common';
import { CompanionError } from '../companion-api';
import type { Clock, Logger, Observable } from '../ports';
import type { Store } from '../store/repositories';
import { SyncEngine } from './sync-engine';
import { HttpSyncTransport } from './transport';

/**
 * What the companion needs from the preferences sync engine: the local view of preferences and
 * business defaults, field-level edits that reach every device, and the service's pushes.
 * `createCompanionSync` adapts the engine to it.
 */
export interface CompanionSync {
  readonly status: Observable<SyncStatus>;
  readonly preferences: Observable<PreferencesSnapshot | null>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Applies an edit locally (and to the outbox); rejects with CompanionError for refusals. */
  edit(change: (preferences: UserPreferences) => UserPreferences): Promise<PreferencesSnapshot>;
  editBusinessDefaults(
    change: (defaults: BusinessDefaults) => BusinessDefaults,
  ): Promise<PreferencesSnapshot>;
  /**
   * A `preferencesChanged` or `businessDefaultsChanged` push from the socket. The engine
   * validates the value again: it takes it as untrusted.
   */
  receive(message: {
    name: 'preferencesChanged' | 'businessDefaultsChanged';
    value: unknown;
  }): void;
  /** The socket is back: send pending edits now rather than at the next backoff step. */
  retryNow?(): void;
}

export interface CompanionSyncDependencies {
  store: Store;
  serviceUrl: string;
  token: string;
  deviceId: string;
  /** This device's name, sent with each write (`HttpSyncTransportOptions.deviceName`). */
  deviceName?: string;
  profile: Profile;
  clock: Clock;
  logger: Logger;
  /** The managed policy's locks (`organisationLocks`): laid over the preferences, refused locally. */
  organisationLocks?: readonly SettingLock[];
}

/** The preferences sync engine over HTTP, seen through `CompanionSync`. */
export function createCompanionSync(dependencies: CompanionSyncDependencies): CompanionSync {
  const engine = new SyncEngine({
    store: dependencies.store,
    transport: new HttpSyncTransport({
      baseUrl: dependencies.serviceUrl,
      token: dependencies.token,
      deviceId: dependencies.deviceId,
      ...(dependencies.deviceName === undefined ? {} : { deviceName: dependencies.deviceName }),
    }),
    clock: dependencies.clock,
    user: { id: dependencies.profile.user.id, role: dependencies.profile.user.role },
    deviceId: dependencies.deviceId,
    logger: dependencies.logger,
    ...(dependencies.organisationLocks
      ? { organisationLocks: dependencies.organisationLocks }
      : {}),
  });
  const loaded = () => {
    const snapshot = engine.snapshot();
    if (!snapshot) throw new CompanionError('unavailable', 'Preferences are not loaded yet');
    return snapshot;
  };
  return {
    status: engine.status,
    // The engine's own observable: it publishes every local edit, push and download.
    preferences: engine.preferences,
    start: () => engine.start(),
    stop: () => engine.stop(),
    retryNow: () => engine.retryNow(),
    // The executor runs at once, so the edit is committed on return; a refusal becomes a rejection.
    edit: (change) => new Promise((resolve) => resolve(engine.edit(change(loaded().preferences)))),
    editBusinessDefaults: (change) =>
      new Promise((resolve) => resolve(engine.editBusinessDefaults(change(loaded().business)))),
    receive(message) {
      engine.applyServerPush(message.name, message.value);
    },
  };
}
