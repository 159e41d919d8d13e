import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  accountAlertTypes,
  businessDefaultsSchema,
  channels,
  isAdmin,
  normalizeUserPreferences,
  parseWith,
  preferencesChangeRefusal,
  roleRefusals,
  socketMessages,
  userAlertTypes,
  userChannelOn,
  userPreferencesSchema,
  type BusinessDefaults,
  type OverriddenEdit,
  type PreferencesSnapshot,
  type Role,
  type SyncStatus,
  type UserPreferences,
} from '../../../common';
import { CompanionError } from '../companion-api';
import { ObservableValue, type Clock, type Logger, type TimerHandle } from '../ports';
import type { OutboxEntry, SettingsHistoryEntry, Store } from '../store/repositories';
import { defaultRetryPolicy, retryDelay, type RetryPolicy } from './backoff';
import {
  applyChanges,
  diffFields,
  mergeChanges,
  sameValue,
  valueAt,
  type FieldChanges,
} from './field-changes';
import {
  ServiceUnreachableError,
  type ServerDocument,
  type SyncTransport,
  type TransportResponse,
} from './transport';

type DocumentName = OutboxEntry['document'];

/** Points of the send path, reported to `onTrace` (the kill -9 loop uses them to time its kills). */
export type SyncTraceStage = 'committed' | 'attempt' | 'sent' | 'acknowledged' | 'idle';

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
}

/** How one of the two documents is read, written and checked. */
interface DocumentSpec<Document> {
  name: DocumentName;
  /** Prefix of its fields in the settings history. */
  historyPrefix: string;
  schema: z.ZodType<Document>;
  normalize(document: Document): Document;
  server(): ServerDocument<Document> | null;
  setServer(value: ServerDocument<Document>): void;
  local(): Document | null;
  setLocal(document: Document): void;
  fetch(): Promise<TransportResponse<Document>>;
  put(document: Document, version: number, key: string): Promise<TransportResponse<Document>>;
}

type Outcome = 'continue' | 'retryLater' | 'blocked';

type Notice =
  | { kind: 'conflict'; overridden: OverriddenEdit[]; at: number }
  | { kind: 'error'; reason: string };

const conflictNote = 'Conflict: changed on another device too; the service’s value was kept';
const narrowedNote =
  'Business defaults turned this off; your own setting is kept and applies again if they turn it back on';

/**
 * Offline-first settings sync. Edits commit locally at once (local copy, outbox row with an
 * idempotency key, history rows, in one durable transaction) and a single-flight loop sends the
 * outbox in order with If-Match and Idempotency-Key. The cached server copy is the merge base of
 * every outbox entry: whenever it moves (push, fetch after 412), pending entries are rebased field
 * by field — the service's value wins on a field both sides changed, and the user is told.
 */
export class SyncEngine {
  /** The one sync status value (`syncStatusSchema`). */
  readonly status = new ObservableValue<SyncStatus>({ status: 'synced', at: null });
  /** The current snapshot (null before the first download), for `CompanionObservables.preferences`. */
  readonly preferences: ObservableValue<PreferencesSnapshot | null>;

  readonly #store: Store;
  readonly #transport: SyncTransport;
  readonly #clock: Clock;
  #user: { id: string; role: Role };
  readonly #deviceId: string;
  readonly #logger: Logger | undefined;
  readonly #retry: RetryPolicy;
  readonly #random: () => number;
  readonly #trace: (stage: SyncTraceStage) => void;
  readonly #listeners = new Set<(snapshot: PreferencesSnapshot) => void>();
  readonly #preferences: DocumentSpec<UserPreferences>;
  readonly #business: DocumentSpec<BusinessDefaults>;

  #running = false;
  #pumping: Promise<void> | null = null;
  #again = false;
  #timer: TimerHandle | null = null;
  #failures = 0;
  #conflictStreak = 0;
  #offlineSince: number | null = null;
  /** A refusal that retrying cannot fix (401): the loop waits for `retryNow()` or a new edit. */
  #blocked: string | null = null;
  #notice: Notice | null = null;
  #lastSyncedAt: number | null = null;
  #refreshNeeded = true;

  constructor(options: SyncEngineOptions) {
    this.#store = options.store;
    this.#transport = options.transport;
    this.#clock = options.clock;
    this.#user = options.user;
    this.#deviceId = options.deviceId;
    this.#logger = options.logger;
    this.#retry = { ...defaultRetryPolicy, ...options.retry };
    this.#random = options.random ?? Math.random;
    this.#trace = options.onTrace ?? (() => undefined);
    const store = this.#store;
    const transport = this.#transport;
    this.#preferences = {
      name: 'preferences',
      historyPrefix: '',
      schema: userPreferencesSchema,
      normalize: normalizeUserPreferences,
      server: () => store.preferences.serverPreferences(),
      setServer: (value) => store.preferences.setServerPreferences(value),
      local: () => store.preferences.localPreferences(),
      setLocal: (document) => store.preferences.setLocalPreferences(document),
      fetch: () => transport.getPreferences(),
      put: (document, version, key) => transport.putPreferences(document, version, key),
    };
    this.#business = {
      name: 'businessDefaults',
      historyPrefix: 'businessDefaults.',
      schema: businessDefaultsSchema,
      normalize: (document) => document,
      server: () => store.preferences.businessDefaults(),
      setServer: (value) => store.preferences.setBusinessDefaults(value),
      local: () => store.preferences.localBusinessDefaults(),
      setLocal: (document) => store.preferences.setLocalBusinessDefaults(document),
      fetch: () => transport.getBusinessDefaults(),
      put: (document, version, key) => transport.putBusinessDefaults(document, version, key),
    };
    this.preferences = new ObservableValue(this.snapshot());
    this.#publish();
  }

  // ---------- What the companion facade uses ----------

  /** The signed-in user's role changed (profile refreshed): local refusals follow it. */
  setRole(role: Role): void {
    this.#user = { ...this.#user, role };
  }

  /** Local preferences and business defaults with the server versions they are based on. */
  snapshot(): PreferencesSnapshot | null {
    const preferences = this.#preferences.local();
    const preferencesServer = this.#preferences.server();
    const businessServer = this.#business.server();
    const business = this.#business.local() ?? businessServer?.document ?? null;
    if (!preferences || !preferencesServer || !business || !businessServer) return null;
    return {
      preferences,
      business,
      preferencesVersion: preferencesServer.version,
      businessVersion: businessServer.version,
    };
  }

  /** Called with the new snapshot after every local edit, push, acknowledgement or revert. */
  onChange(listener: (snapshot: PreferencesSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Commits the user's new preferences locally and queues them for the service; returns once the
   * change is durable on disk. Throws `CompanionError` ('forbidden' with the service's reason for
   * role refusals, 'invalidArguments', or 'unavailable' before the first download).
   */
  edit(next: UserPreferences): PreferencesSnapshot {
    const normalized = normalizeUserPreferences(valid(userPreferencesSchema, next));
    const local = this.#preferences.local();
    if (!local || !this.#preferences.server()) throw notLoaded();
    const refusal = preferencesChangeRefusal(this.#user.role, local, normalized);
    if (refusal) throw new CompanionError('forbidden', refusal);
    this.#commitEdit(this.#preferences, local, normalized);
    return this.#snapshotOrThrow();
  }

  /** The same for business defaults (admins only). */
  editBusinessDefaults(next: BusinessDefaults): PreferencesSnapshot {
    if (!isAdmin(this.#user.role)) {
      throw new CompanionError('forbidden', roleRefusals.businessDefaultsNeedAdmin);
    }
    const defaults = valid(businessDefaultsSchema, next);
    const server = this.#business.server();
    const local = this.#business.local() ?? server?.document ?? null;
    if (!local || !server) throw notLoaded();
    this.#commitEdit(this.#business, local, defaults);
    return this.#snapshotOrThrow();
  }

  /** Recent settings history, newest first. */
  history(limit = 50): SettingsHistoryEntry[] {
    return this.#store.history.recent(limit);
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
    if (name === 'preferencesChanged') {
      const parsed = socketMessages.preferencesChanged.safeParse(payload);
      if (!parsed.success) {
        this.#logger?.warn('Ignored an invalid preferencesChanged push', {
          error: parsed.error.message,
        });
        return false;
      }
      const { version, preferences, deviceId } = parsed.data;
      return this.#adoptAndNotify(this.#preferences, { version, document: preferences }, deviceId);
    }
    const parsed = socketMessages.businessDefaultsChanged.safeParse(payload);
    if (!parsed.success) {
      this.#logger?.warn('Ignored an invalid businessDefaultsChanged push', {
        error: parsed.error.message,
      });
      return false;
    }
    return this.#adoptAndNotify(
      this.#business,
      { version: parsed.data.version, document: parsed.data.defaults },
      null,
    );
  }

  /**
   * Starts syncing: downloads both documents (rebasing what is pending), then sends the outbox.
   * Resolves after that first pass, whether or not the service answered.
   */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#refreshNeeded = true;
    this.#kick();
    await this.#idle();
  }

  /** Stops the loop (after the request in flight, if any). Pending edits stay in the outbox. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    await this.#idle();
  }

  /** Retries at once (the connection is back, the user pressed retry, they signed in again). */
  retryNow(): void {
    this.#blocked = null;
    this.#failures = 0;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#refreshNeeded = true;
    this.#kick();
  }

  /** Waits until the outbox is empty, or sending is failing (offline, backing off, blocked). */
  async flush(): Promise<SyncStatus> {
    if (this.#running && !this.#timer) this.#kick();
    await this.#idle();
    return this.status.get();
  }

  // ---------- Local edits ----------

  #commitEdit<Document>(spec: DocumentSpec<Document>, local: Document, next: Document): void {
    const changes = diffFields(local, next);
    if (Object.keys(changes).length === 0) return;
    const server = spec.server();
    const at = this.#clock.now();
    this.#store.transaction(() => {
      spec.setLocal(next);
      this.#store.outbox.enqueue({
        idempotencyKey: randomUUID(),
        document: spec.name,
        changes,
        baseVersion: server?.version ?? 0,
        createdAt: at,
      });
      this.#store.history.add(
        Object.entries(changes).map(([field, newValue]) => ({
          at,
          field: spec.historyPrefix + field,
          oldValue: valueAt(local, field),
          newValue,
          by: this.#user.id,
          deviceId: this.#deviceId,
          origin: 'local' as const,
          note: null,
        })),
      );
    });
    this.#trace('committed');
    this.#notice = null;
    this.#blocked = null;
    this.#notify();
    this.#publish();
    if (this.#running && !this.#timer) this.#kick();
  }

  // ---------- The loop ----------

  #kick(): void {
    if (!this.#running) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = (async () => {
      try {
        do {
          this.#again = false;
          await this.#pass();
        } while (this.#again && this.#running && !this.#timer);
      } catch (error) {
        // A bug, not a network problem: keep the outbox, report it, retry later.
        this.#logger?.error('Preference sync failed', { error: String(error) });
        this.#scheduleRetry();
      } finally {
        this.#pumping = null;
        this.#publish();
        this.#trace('idle');
      }
    })();
  }

  async #idle(): Promise<void> {
    while (this.#pumping) await this.#pumping;
  }

  async #pass(): Promise<void> {
    if (this.#blocked) return;
    if (this.#refreshNeeded) {
      const specs: Array<DocumentSpec<unknown>> = [this.#preferences, this.#business];
      for (const spec of specs) {
        const outcome = await this.#refresh(spec);
        if (outcome !== 'continue') return;
      }
      this.#refreshNeeded = false;
    }
    while (this.#running) {
      const entry = this.#nextEntry();
      if (!entry) {
        this.#lastSyncedAt = this.#clock.now();
        return;
      }
      const spec = (
        entry.document === 'preferences' ? this.#preferences : this.#business
      ) as DocumentSpec<unknown>;
      const outcome = await this.#send(spec, entry);
      if (outcome !== 'continue') return;
    }
  }

  /** Downloads one document and adopts it as the new merge base. */
  async #refresh(spec: DocumentSpec<unknown>): Promise<Outcome> {
    const response = await this.#call(() => spec.fetch());
    if (response === 'unreachable') return this.#failed();
    if (!response.ok) return this.#refused(response.status, response.error.reason, null, spec);
    this.#succeeded();
    const current = spec.server();
    if (current && response.value.version === current.version) this.#forgetUnappliedAttempts(spec);
    this.#adoptAndNotify(spec, response.value, null);
    return 'continue';
  }

  /**
   * The service is still at our base version, so no attempt since was applied (applying bumps the
   * version, and the service records a key only with a write): sent entries may merge again.
   */
  #forgetUnappliedAttempts(spec: DocumentSpec<unknown>): void {
    for (const entry of this.#store.outbox.pending()) {
      if (entry.document === spec.name && entry.attempts > 0) {
        this.#store.outbox.merge([entry.id], entry.changes, entry.idempotencyKey);
      }
    }
  }

  /**
   * The head of the outbox, with the run of never-sent entries of the same document after it
   * merged into one (one request, one new key). An entry already sent keeps its content and key:
   * the service may have applied it, and the key must keep naming exactly that request.
   */
  #nextEntry(): OutboxEntry | null {
    const pending = this.#store.outbox.pending();
    const head = pending[0];
    if (!head) return null;
    if (head.attempts > 0) return head;
    const run: OutboxEntry[] = [];
    for (const entry of pending) {
      if (entry.document !== head.document || entry.attempts > 0) break;
      run.push(entry);
    }
    if (run.length === 1) return head;
    return this.#store.outbox.merge(
      run.map((entry) => entry.id),
      mergeChanges(...run.map((entry) => entry.changes)),
      randomUUID(),
    );
  }

  async #send(spec: DocumentSpec<unknown>, entry: OutboxEntry): Promise<Outcome> {
    const server = spec.server();
    if (!server) {
      this.#refreshNeeded = true;
      return this.#refresh(spec);
    }
    const body = this.#compose(spec, server.document, [entry]);
    if (body === null) {
      this.#dropEntry(spec, entry, 'The change is no longer valid with the current settings');
      return 'continue';
    }
    if (sameValue(body, server.document)) {
      // Nothing left to send (the service already has these values).
      this.#store.outbox.remove(entry.id);
      this.#publish();
      return 'continue';
    }
    const attempt = this.#store.outbox.markAttempt(entry.id);
    if (!attempt) return 'continue';
    this.#trace('attempt');
    const pending = this.#call(() => spec.put(body, server.version, entry.idempotencyKey));
    this.#trace('sent');
    const response = await pending;
    if (response === 'unreachable') return this.#failed();
    if (response.ok) {
      this.#succeeded();
      this.#acknowledged(spec, entry, response.value);
      this.#trace('acknowledged');
      return 'continue';
    }
    switch (response.status) {
      // 412: changed elsewhere. 409: this key was used for a different body (an earlier try,
      // applied before a crash). Either way: fetch what the service has now, rebase, send the rest.
      case 412:
      case 409: {
        this.#conflictStreak += 1;
        const refreshed = await this.#refresh(spec);
        if (refreshed !== 'continue') return refreshed;
        this.#rekeyIfUnchanged(entry);
        if (this.#conflictStreak > 2) return this.#failed('conflict');
        return 'continue';
      }
      default:
        return this.#refused(response.status, response.error.reason, entry, spec);
    }
  }

  /** Runs a transport call, turning "could not reach the service" into a value. */
  async #call<Result>(work: () => Promise<Result>): Promise<Result | 'unreachable'> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ServiceUnreachableError) return 'unreachable';
      throw error;
    }
  }

  #acknowledged(
    spec: DocumentSpec<unknown>,
    entry: OutboxEntry,
    value: ServerDocument<unknown>,
  ): void {
    this.#conflictStreak = 0;
    const current = this.#store.outbox.pending().find((candidate) => candidate.id === entry.id);
    if (!current || current.idempotencyKey !== entry.idempotencyKey) {
      // Rebased while in flight (a push moved the base): adopt the answer like any server copy.
      this.#adoptAndNotify(spec, value, null);
      return;
    }
    this.#store.transaction(() => {
      this.#store.outbox.remove(entry.id);
      const server = spec.server();
      // A replayed answer (same key after a crash) may be older than what we already hold.
      if (!server || value.version > server.version) spec.setServer(value);
      this.#rebuildLocal(spec);
    });
    this.#notify();
    this.#publish();
  }

  /** After a 412 the key was refused; a fresh one keeps the retry unambiguous. */
  #rekeyIfUnchanged(entry: OutboxEntry): void {
    const current = this.#store.outbox.pending().find((candidate) => candidate.id === entry.id);
    if (current && current.idempotencyKey === entry.idempotencyKey) {
      this.#store.outbox.merge([current.id], current.changes, randomUUID());
    }
  }

  /** A 4xx that retrying will not fix. */
  #refused(
    status: number,
    reason: string,
    entry: OutboxEntry | null,
    spec: DocumentSpec<unknown>,
  ): Outcome {
    if (status === 408 || status === 429 || status >= 500) {
      // The service answered, so this device is not offline; the edit stays pending.
      this.#offlineSince = null;
      return this.#failed('server');
    }
    this.#succeeded();
    if (status === 401 || entry === null) {
      // Signed out or token revoked: keep every edit, stop until the user signs in again.
      this.#blocked = reason;
      this.#publish();
      return 'blocked';
    }
    // 403 (a role refusal), 400, 404…: the same request will never succeed, and keeping it would
    // hold back every later edit. Drop it, put the service's values back, and say why.
    this.#dropEntry(spec, entry, reason);
    return 'continue';
  }

  #dropEntry(spec: DocumentSpec<unknown>, entry: OutboxEntry, reason: string): void {
    const server = spec.server();
    const at = this.#clock.now();
    this.#store.transaction(() => {
      this.#store.outbox.remove(entry.id);
      this.#rebuildLocal(spec);
      this.#store.history.add(
        Object.entries(entry.changes).map(([field, yours]) => ({
          at,
          field: spec.historyPrefix + field,
          oldValue: yours,
          newValue: server ? valueAt(server.document, field) : null,
          by: this.#user.id,
          deviceId: this.#deviceId,
          origin: 'server' as const,
          note: `Refused by the service, your change was undone: ${reason}`,
        })),
      );
    });
    this.#notice = { kind: 'error', reason };
    this.#notify();
    this.#publish();
  }

  #failed(kind: 'unreachable' | 'server' | 'conflict' = 'unreachable'): Outcome {
    this.#failures += 1;
    if (kind === 'unreachable' && this.#offlineSince === null)
      this.#offlineSince = this.#clock.now();
    this.#scheduleRetry();
    this.#publish();
    return 'retryLater';
  }

  #succeeded(): void {
    this.#failures = 0;
    this.#offlineSince = null;
  }

  #scheduleRetry(): void {
    if (!this.#running || this.#timer) return;
    const delay = retryDelay(Math.max(1, this.#failures), this.#retry, this.#random);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#kick();
    }, delay);
  }

  // ---------- Adopting server copies ----------

  #adoptAndNotify<Document>(
    spec: DocumentSpec<Document>,
    incoming: ServerDocument<Document>,
    fromDevice: string | null,
  ): boolean {
    const changed = this.#store.transaction(() => this.#adopt(spec, incoming, fromDevice));
    if (changed) {
      this.#notify();
      this.#publish();
    }
    return changed;
  }

  /**
   * Makes `incoming` the merge base if it is newer, rebasing every pending entry of the document:
   * a field the service changed since the old base takes the service's value (reported), a field
   * already equal is dropped, the rest stays pending. Runs inside a transaction.
   */
  #adopt<Document>(
    spec: DocumentSpec<Document>,
    incoming: ServerDocument<Document>,
    fromDevice: string | null,
  ): boolean {
    const current = spec.server();
    if (current && incoming.version <= current.version) return false;
    const at = this.#clock.now();
    const overridden = new Map<string, OverriddenEdit>();
    if (current) {
      for (const entry of this.#store.outbox.pending()) {
        if (entry.document !== spec.name) continue;
        const remaining: FieldChanges = {};
        for (const [field, yours] of Object.entries(entry.changes)) {
          const theirs = valueAt(incoming.document, field);
          if (sameValue(theirs, yours)) continue;
          if (!sameValue(theirs, valueAt(current.document, field))) {
            overridden.set(field, { field: spec.historyPrefix + field, yours, theirs });
            continue;
          }
          remaining[field] = yours;
        }
        const unchanged = sameValue(remaining, entry.changes);
        if (Object.keys(remaining).length === 0) {
          this.#store.outbox.remove(entry.id);
        } else if (!unchanged || entry.attempts > 0) {
          // New content, or content that may already have been sent against the old base: a
          // new key, so the service never sees one key with two different bodies.
          this.#store.outbox.merge([entry.id], remaining, randomUUID());
        }
      }
    }
    const previousLocal = spec.local();
    spec.setServer(incoming);
    this.#rebuildLocal(spec);

    const history: SettingsHistoryEntry[] = [];
    if (current) {
      for (const [field, newValue] of Object.entries(
        diffFields(current.document, incoming.document),
      )) {
        const conflict = overridden.get(field);
        overridden.delete(field);
        history.push({
          at,
          field: spec.historyPrefix + field,
          oldValue: conflict ? conflict.yours : valueAt(current.document, field),
          newValue,
          by: spec.name === 'preferences' ? this.#user.id : 'business',
          deviceId: fromDevice,
          origin: 'server',
          note: conflict ? conflictNote : null,
        });
      }
    }
    for (const conflict of overridden.values()) {
      history.push({
        at,
        field: conflict.field,
        oldValue: conflict.yours,
        newValue: conflict.theirs,
        by: this.#user.id,
        deviceId: fromDevice,
        origin: 'server',
        note: conflictNote,
      });
    }
    if (spec.name === 'businessDefaults' && current) {
      history.push(
        ...this.#narrowed(
          current.document as BusinessDefaults,
          incoming.document as BusinessDefaults,
          at,
        ),
      );
    }
    this.#store.history.add(history);
    const reported = history.filter((row) => row.note === conflictNote);
    if (reported.length > 0) {
      this.#notice = {
        kind: 'conflict',
        overridden: reported.map((row) => ({
          field: row.field,
          yours: row.oldValue,
          theirs: row.newValue,
        })),
        at,
      };
    }
    return (
      current === null ||
      previousLocal === null ||
      !sameValue(previousLocal, spec.local()) ||
      history.length > 0
    );
  }

  /** History rows for what the user had on and new business defaults now turn off. */
  #narrowed(before: BusinessDefaults, after: BusinessDefaults, at: number): SettingsHistoryEntry[] {
    const preferences = this.#preferences.local();
    if (!preferences) return [];
    const rows: SettingsHistoryEntry[] = [];
    const row = (field: string): SettingsHistoryEntry => ({
      at,
      field,
      oldValue: true,
      newValue: false,
      by: 'business',
      deviceId: null,
      origin: 'server',
      note: narrowedNote,
    });
    for (const type of userAlertTypes) {
      if (preferences.alerts[type] && before.alerts[type].enabled && !after.alerts[type].enabled) {
        rows.push(row(`alerts.${type}`));
      }
    }
    for (const type of accountAlertTypes) {
      if (
        preferences.accountAlerts[type] &&
        before.alerts[type].enabled &&
        !after.alerts[type].enabled
      ) {
        rows.push(row(`accountAlerts.${type}`));
      }
    }
    for (const channel of channels) {
      if (
        userChannelOn(preferences.channels, channel) &&
        before.allowedChannels[channel] &&
        !after.allowedChannels[channel]
      ) {
        rows.push(row(`channels.${channel}`));
      }
    }
    return rows;
  }

  /** Local copy = server copy with every pending entry applied, in order. */
  #rebuildLocal<Document>(spec: DocumentSpec<Document>): void {
    const server = spec.server();
    if (!server) return;
    const entries = this.#store.outbox.pending().filter((entry) => entry.document === spec.name);
    let local = server.document;
    for (const entry of entries) {
      // An entry that no longer applies cleanly is skipped here; sending it drops it with a reason.
      local = this.#compose(spec, local, [entry]) ?? local;
    }
    spec.setLocal(local);
  }

  /** `base` with the entries' changes applied, normalized and valid; null when invalid. */
  #compose<Document>(
    spec: DocumentSpec<Document>,
    base: Document,
    entries: readonly OutboxEntry[],
  ): Document | null {
    try {
      const applied = applyChanges(base, mergeChanges(...entries.map((entry) => entry.changes)));
      const parsed = spec.schema.safeParse(applied);
      return parsed.success ? spec.normalize(parsed.data) : null;
    } catch {
      return null;
    }
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
    if (!snapshot) return;
    for (const listener of [...this.#listeners]) listener(snapshot);
  }

  #publish(): void {
    const count = this.#store.outbox.count();
    let next: SyncStatus;
    if (this.#blocked !== null) next = { status: 'error', reason: this.#blocked, count };
    else if (this.#offlineSince !== null)
      next = { status: 'offline', since: this.#offlineSince, count };
    else if (count > 0) next = { status: 'pending', count };
    else if (this.#notice?.kind === 'error')
      next = { status: 'error', reason: this.#notice.reason, count };
    else if (this.#notice?.kind === 'conflict') {
      next = {
        status: 'conflictResolved',
        overridden: this.#notice.overridden,
        at: this.#notice.at,
      };
    } else next = { status: 'synced', at: this.#lastSyncedAt };
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
