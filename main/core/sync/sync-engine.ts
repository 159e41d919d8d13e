import type { z } from 'zod';
import {
  businessDefaultsSchema,
  effectivePreferences,
  isAdmin,
  normalizeUserPreferences,
  parseWith,
  preferenceChangeSentences,
  preferencesChangeRefusal,
  roleRefusals,
  socketMessages,
  userPreferencesSchema,
  type AdminChange,
  type BusinessDefaults,
  type DeviceChange,
  type PreferencesSnapshot,
  type Role,
  type SettingLock,
  type SyncStatus,
  type UserPreferences,
} from '../../../common';
import { CompanionError } from '../companion-api';
import { ObservableValue, type Clock, type Logger } from '../ports';
import type { OutboxEntry, SettingsHistoryEntry, Store } from '../store/repositories';
import type { RetryPolicy } from './backoff';
import type { DocumentSpec } from './documents';
import { applyChanges, diffFields, sameValue } from './field-changes';
import { SendLoop, type SyncTraceStage } from './send-loop';
import { SyncLedger } from './sync-ledger';
import { syncStatusOf, type SyncNotice } from './sync-status';
import type { ServerDocument, SyncTransport } from './transport';

export interface SyncEngineOptions {
  store: Store;
  transport: SyncTransport;
  clock: Clock;
  /** The signed-in user: the role decides which edits are refused locally. */
  user: { id: string; role: Role };
  /** This device's id (stable per install and user): recorded in history, sent as X-Device-Id. */
  deviceId: string;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  /** Jitter source; default Math.random. */
  random?: () => number;
  /** Observes the send path (benchmarks and the crash loop); never needed by the app. */
  onTrace?: (stage: SyncTraceStage) => void;
  /** The managed policy's locks (`organisationLocks`); none without a policy. */
  organisationLocks?: readonly SettingLock[];
}

/**
 * Offline-first settings sync. Edits commit locally at once (local copy, outbox row with an
 * idempotency key, history rows, in one durable transaction: `SyncLedger`) and a single-flight
 * loop sends the outbox in order with If-Match and Idempotency-Key. The cached server copy is the
 * merge base of every outbox entry: whenever it moves (push, fetch after 412), pending entries are
 * rebased field by field (`rebase-rules.ts`): the service's value wins on a field both sides
 * changed, and the user is told.
 */
export class SyncEngine {
  /** The one sync status value (`syncStatusSchema`). */
  readonly status = new ObservableValue<SyncStatus>({ status: 'synced', at: null });
  /** The current snapshot (null before the first download), for `CompanionObservables.preferences`. */
  readonly preferences: ObservableValue<PreferencesSnapshot | null>;

  readonly #ledger: SyncLedger;
  readonly #loop: SendLoop;
  readonly #role: Role;
  readonly #logger: Logger | undefined;
  readonly #trace: (stage: SyncTraceStage) => void;
  #notice: SyncNotice | null = null;
  /** The policy's values already written upstream, per server version: each is written once. */
  readonly #enforced = new Set<string>();
  /** The newest change an admin made to these preferences, as pushed (issue 14). */
  #changedBy: AdminChange | null = null;
  /** The newest change made on another device of this user, as adopted (issue 14 §6). */
  #deviceChange: DeviceChange | null = null;
  readonly #deviceId: string;
  readonly #clock: Clock;

  constructor(options: SyncEngineOptions) {
    this.#ledger = new SyncLedger({
      store: options.store,
      transport: options.transport,
      clock: options.clock,
      userId: options.user.id,
      role: options.user.role,
      deviceId: options.deviceId,
      ...(options.organisationLocks ? { organisationLocks: options.organisationLocks } : {}),
    });
    this.#role = options.user.role;
    this.#deviceId = options.deviceId;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#trace = options.onTrace ?? (() => undefined);
    this.#loop = new SendLoop({
      ledger: this.#ledger,
      host: {
        adopt: (spec, incoming, fromDevice) => {
          // A download that names its writer: said like a push from that device.
          if (spec === this.#ledger.documents.preferences && incoming.writer) {
            this.#noteDeviceChange(
              incoming as ServerDocument<UserPreferences>,
              incoming.writer.deviceId,
              incoming.writer.deviceName,
            );
          }
          return this.#adoptAndNotify(spec, incoming, fromDevice);
        },
        refused: (spec, entry, reason) => this.#refused(spec, entry, reason),
        changed: () => {
          this.#notify();
          this.#publish();
        },
        publish: () => this.#publish(),
      },
      clock: options.clock,
      logger: options.logger,
      retry: options.retry,
      random: options.random ?? Math.random,
      trace: this.#trace,
    });
    this.preferences = new ObservableValue(this.snapshot());
    this.#publish();
  }

  // ---------- What the companion facade uses ----------

  /** Local preferences and business defaults with the server versions they are based on. */
  snapshot(): PreferencesSnapshot | null {
    const snapshot = this.#ledger.snapshot();
    if (!snapshot || (!this.#changedBy && !this.#deviceChange)) return snapshot;
    return {
      ...snapshot,
      ...(this.#changedBy ? { changedBy: this.#changedBy } : {}),
      ...(this.#deviceChange ? { deviceChange: this.#deviceChange } : {}),
    };
  }

  /**
   * Commits the user's new preferences locally and queues them for the service; returns once the
   * change is durable on disk. Throws `CompanionError` ('forbidden' with the service's reason for
   * role refusals, 'invalidArguments', or 'unavailable' before the first download).
   */
  edit(next: UserPreferences): PreferencesSnapshot {
    const spec = this.#ledger.documents.preferences;
    const normalized = normalizeUserPreferences(valid(userPreferencesSchema, next));
    const local = spec.local();
    if (!local || !spec.server()) throw notLoaded();
    // The person edits what they see, the effective preferences: judge and keep only their change.
    const seen = effectivePreferences(local, this.#ledger.organisationLocks());
    const refusal = preferencesChangeRefusal(this.#role, seen, normalized, this.#ledger.locks());
    if (refusal) throw new CompanionError('forbidden', refusal);
    const kept =
      seen === local
        ? normalized
        : normalizeUserPreferences(applyChanges(local, diffFields(seen, normalized)));
    this.#commitEdit(spec, local, kept);
    return this.#snapshotOrThrow();
  }

  /** The same for business defaults (admins only). */
  editBusinessDefaults(next: BusinessDefaults): PreferencesSnapshot {
    if (!isAdmin(this.#role)) {
      throw new CompanionError('forbidden', roleRefusals.businessDefaultsNeedAdmin);
    }
    const spec = this.#ledger.documents.businessDefaults;
    const defaults = valid(businessDefaultsSchema, next);
    const server = spec.server();
    const local = spec.local() ?? server?.document ?? null;
    if (!local || !server) throw notLoaded();
    this.#commitEdit(spec, local, defaults);
    return this.#snapshotOrThrow();
  }

  /** Recent settings history, newest first. */
  history(limit = 50): SettingsHistoryEntry[] {
    return this.#ledger.history(limit);
  }

  /**
   * Applies a socket push (`preferencesChanged` from another device, `businessDefaultsChanged`).
   * The payload is untrusted: invalid ones are logged and ignored. Returns whether it changed
   * anything (older or equal versions are ignored).
   */
  applyServerPush(
    name: 'preferencesChanged' | 'businessDefaultsChanged',
    payload: unknown,
  ): boolean {
    const { preferences, businessDefaults } = this.#ledger.documents;
    if (name === 'preferencesChanged') {
      const parsed = socketMessages.preferencesChanged.safeParse(payload);
      if (!parsed.success) {
        this.#logger?.warn('Ignored an invalid preferencesChanged push', {
          error: parsed.error.message,
        });
        return false;
      }
      const { version, preferences: document, deviceId, changedBy, deviceName } = parsed.data;
      const before = preferences.server()?.document ?? null;
      const newer = before !== null && version > (preferences.server()?.version ?? 0);
      if (changedBy && before && newer) {
        // Set before adopting, so the snapshot published with the change already names who.
        const fields = Object.keys(diffFields(before, document));
        this.#changedBy = { ...changedBy, fields };
      } else {
        this.#noteDeviceChange({ version, document }, deviceId, deviceName ?? null);
      }
      return this.#adoptAndNotify(
        preferences,
        { version, document },
        deviceId,
        changedBy ? { userId: changedBy.userId, name: changedBy.name } : null,
      );
    }
    const parsed = socketMessages.businessDefaultsChanged.safeParse(payload);
    if (!parsed.success) {
      this.#logger?.warn('Ignored an invalid businessDefaultsChanged push', {
        error: parsed.error.message,
      });
      return false;
    }
    const { version, defaults: document } = parsed.data;
    return this.#adoptAndNotify(businessDefaults, { version, document }, null);
  }

  /**
   * Starts syncing: downloads both documents (rebasing what is pending), then sends the outbox.
   * Resolves after that first pass, whether or not the service answered.
   */
  async start(): Promise<void> {
    await this.#loop.start();
    this.#enforcePolicy();
  }

  /** Stops the loop (after the request in flight, if any). Pending edits stay in the outbox. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Retries at once (the connection is back, the user pressed retry, they signed in again). */
  retryNow(): void {
    this.#loop.retryNow();
  }

  /** Waits until the outbox is empty, or sending is failing (offline, backing off, blocked). */
  async flush(): Promise<SyncStatus> {
    await this.#loop.flush();
    return this.status.get();
  }

  // ---------- Local edits ----------

  #commitEdit<Document>(spec: DocumentSpec<Document>, local: Document, next: Document): void {
    if (!this.#ledger.commitEdit(spec, local, next)) return;
    this.#trace('committed');
    this.#notice = null;
    this.#loop.unblock();
    this.#notify();
    this.#publish();
    this.#loop.wake();
  }

  // ---------- Server copies and refusals ----------

  /**
   * The user's own change on another of their devices, about to be adopted: what differs from
   * the server copy, in words, and where (issue 14 §6). Set before adopting, so the snapshot
   * published with the change already carries it. Not for this device's own echo.
   */
  #noteDeviceChange(
    incoming: ServerDocument<UserPreferences>,
    deviceId: string | null,
    deviceName: string | null,
  ): void {
    const server = this.#ledger.documents.preferences.server();
    if (!server || incoming.version <= server.version || deviceId === this.#deviceId) return;
    const sentences = preferenceChangeSentences(server.document, incoming.document, deviceName);
    if (sentences.length > 0) {
      this.#deviceChange = { sentences, deviceName, at: this.#clock.now() };
    }
  }

  #adoptAndNotify<Document>(
    spec: DocumentSpec<Document>,
    incoming: ServerDocument<Document>,
    fromDevice: string | null,
    actor: { userId: string; name: string } | null = null,
  ): boolean {
    const { changed, conflict } = this.#ledger.adopt(spec, incoming, fromDevice, actor);
    if (conflict) this.#notice = { kind: 'conflict', ...conflict };
    if (changed) {
      this.#notify();
      this.#publish();
      this.#enforcePolicy();
    }
    return changed;
  }

  /**
   * The service does not know the managed policy, and it decides email and SMS from the stored
   * preferences: where they differ from the policy's values, the companion writes those values
   * upstream as an ordinary edit, once per server version (a refusal or another device undoing
   * it is not fought over). An edit the service would refuse (a role rule, a business lock the
   * policy overrides) is not sent: the policy then holds on this desktop only.
   */
  #enforcePolicy(): void {
    const locks = this.#ledger.organisationLocks();
    if (locks.length === 0) return;
    const spec = this.#ledger.documents.preferences;
    const local = spec.local();
    const server = spec.server();
    // Both documents first: the business's locks decide what the service would refuse.
    const business = this.#ledger.documents.businessDefaults.server();
    if (!local || !server || !business) return;
    const effective = effectivePreferences(local, locks);
    if (sameValue(local, effective)) return;
    const signature = `${server.version}:${JSON.stringify(effective)}`;
    if (this.#enforced.has(signature)) return;
    this.#enforced.add(signature);
    const refusal = preferencesChangeRefusal(
      this.#role,
      local,
      effective,
      this.#ledger.businessLocks(),
    );
    if (refusal) {
      this.#logger?.warn('The managed policy holds on this desktop only', { reason: refusal });
      return;
    }
    this.#commitEdit(spec, local, effective);
  }

  /** Drops an entry that can never be applied, reverting its fields, and tells the user why. */
  #refused(spec: DocumentSpec<unknown>, entry: OutboxEntry, reason: string): void {
    this.#ledger.drop(spec, entry, reason);
    this.#notice = { kind: 'error', reason };
    this.#notify();
    this.#publish();
  }

  // ---------- Observers ----------

  #snapshotOrThrow(): PreferencesSnapshot {
    const snapshot = this.snapshot();
    if (!snapshot) throw notLoaded();
    return snapshot;
  }

  #notify(): void {
    const snapshot = this.snapshot();
    if (!sameValue(snapshot, this.preferences.get())) this.preferences.set(snapshot);
  }

  #publish(): void {
    const next = syncStatusOf({
      ...this.#loop.state,
      pending: this.#ledger.pendingCount(),
      notice: this.#notice,
    });
    if (!sameValue(next, this.status.get())) this.status.set(next);
  }
}

function notLoaded(): CompanionError {
  return new CompanionError(
    'unavailable',
    'Settings have not been downloaded from the service yet; try again once connected',
  );
}

/** `input` parsed by `schema`, or a CompanionError naming every invalid field. */
function valid<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = parseWith(schema, input);
  if (!parsed.ok) throw new CompanionError('invalidArguments', parsed.message, parsed.errors);
  return parsed.value;
}
