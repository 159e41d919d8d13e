import { randomUUID } from 'node:crypto';
import {
  businessLocks,
  effectivePreferences,
  type OverriddenEdit,
  type PreferencesSnapshot,
  type Role,
  type SettingLock,
} from '../../../common';
import type { Clock } from '../ports';
import type { OutboxEntry, SettingsHistoryEntry, Store } from '../store/repositories';
import { createDocumentSpecs, localCopy, type DocumentSpec, type DocumentSpecs } from './documents';
import { diffFields, sameValue, valueAt } from './field-changes';
import { adopt, historyField, nextSend, type OutboxEdit } from './rebase-rules';
import type { ServerDocument, SyncTransport } from './transport';

export interface SyncLedgerOptions {
  store: Store;
  transport: SyncTransport;
  clock: Clock;
  userId: string;
  /** The signed-in user's role: who a mandatory channel of the business reaches (`locks`). */
  role: Role;
  deviceId: string;
  /**
   * The managed policy's locks (`organisationLocks`), strongest of all: their values are laid
   * over the stored preferences in every snapshot, and edits that move them are refused.
   */
  organisationLocks?: readonly SettingLock[];
}

/** What adopting a server copy did. */
export interface Adopted {
  /** Whether the snapshot or the history changed (false for a stale or equal copy). */
  changed: boolean;
  /** Pending edits the service's values overrode, to report; null when none. */
  conflict: { overridden: OverriddenEdit[]; at: number } | null;
}

/**
 * The durable side of sync. Each write is one transaction on the store that keeps
 * local copy = server copy + pending outbox entries, with the history rows that explain it. It
 * decides nothing about when to talk to the service (that is `SyncEngine`), and the conflict
 * rules themselves are the pure functions of `rebase-rules.ts`.
 */
export class SyncLedger {
  readonly documents: DocumentSpecs;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #userId: string;
  readonly #role: Role;
  readonly #deviceId: string;
  readonly #organisationLocks: readonly SettingLock[];

  constructor(options: SyncLedgerOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#userId = options.userId;
    this.#role = options.role;
    this.#deviceId = options.deviceId;
    this.#organisationLocks = options.organisationLocks ?? [];
    this.documents = createDocumentSpecs(options.store, options.transport);
  }

  /** The spec of the document an outbox entry belongs to. */
  specOf(entry: OutboxEntry): DocumentSpec<unknown> {
    return this.documents[entry.document];
  }

  /**
   * Local preferences and business defaults with the server versions they are based on. The
   * preferences are the effective ones: the stored document with the policy's locked values
   * laid over it (policy > business defaults > user), which is what `decide` reads.
   */
  snapshot(): PreferencesSnapshot | null {
    const { preferences: spec, businessDefaults: businessSpec } = this.documents;
    const preferences = spec.local();
    const preferencesServer = spec.server();
    const businessServer = businessSpec.server();
    const business = businessSpec.local() ?? businessServer?.document ?? null;
    if (!preferences || !preferencesServer || !business || !businessServer) return null;
    return {
      preferences: effectivePreferences(preferences, this.#organisationLocks),
      business,
      preferencesVersion: preferencesServer.version,
      businessVersion: businessServer.version,
      locks: this.locks(business),
    };
  }

  /**
   * The fields of this user's preferences others hold (`common/locks.ts`), strongest first: the
   * managed policy's, then the business's under `business` (the local copy: an admin's own
   * pending edit applies at once).
   */
  locks(business = this.documents.businessDefaults.local()): SettingLock[] {
    return [...this.#organisationLocks, ...this.businessLocks(business)];
  }

  /** The business's locks alone (what the service knows and enforces). */
  businessLocks(business = this.documents.businessDefaults.local()): SettingLock[] {
    return business ? businessLocks(business, { userId: this.#userId, role: this.#role }) : [];
  }

  /** The policy's locks alone. */
  organisationLocks(): readonly SettingLock[] {
    return this.#organisationLocks;
  }

  pendingCount(): number {
    return this.#store.outbox.count();
  }

  /** Recent settings history, newest first. */
  history(limit: number): SettingsHistoryEntry[] {
    return this.#store.history.recent(limit);
  }

  /**
   * Commits a local edit durably: the new local copy, an outbox entry with the changed fields and
   * a fresh key, and a history row per field. Returns false when nothing changed.
   */
  commitEdit<Document>(spec: DocumentSpec<Document>, local: Document, next: Document): boolean {
    const changes = diffFields(local, next);
    if (Object.keys(changes).length === 0) return false;
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
          field: historyField(spec.name, field),
          oldValue: valueAt(local, field),
          newValue,
          by: this.#userId,
          deviceId: this.#deviceId,
          origin: 'local' as const,
          note: null,
        })),
      );
    });
    return true;
  }

  /** Makes `incoming` the merge base when it is newer, rebasing the outbox (`adopt`). */
  adopt<Document>(
    spec: DocumentSpec<Document>,
    incoming: ServerDocument<Document>,
    fromDevice: string | null,
    actor: { userId: string; name: string } | null = null,
  ): Adopted {
    return this.#store.transaction((): Adopted => {
      const base = spec.server();
      const at = this.#clock.now();
      const adoption = adopt({
        document: spec.name,
        base,
        incoming,
        pending: this.#store.outbox.pending(),
        preferences: this.documents.preferences.local(),
        userId: this.#userId,
        fromDevice,
        actor,
        at,
      });
      if (!adoption) return { changed: false, conflict: null };
      this.#apply(adoption.outbox);
      const previousLocal = spec.local();
      spec.setServer(incoming);
      this.#rebuildLocal(spec);
      this.#store.history.add(adoption.history);
      return {
        changed:
          base === null ||
          previousLocal === null ||
          !sameValue(previousLocal, spec.local()) ||
          adoption.history.length > 0,
        conflict: adoption.overridden.length > 0 ? { overridden: adoption.overridden, at } : null,
      };
    });
  }

  /**
   * The service applied `entry` and answered `value`: removes it and moves the server copy.
   * Returns false, changing nothing, when the entry was rebased while in flight: the answer is
   * then to be adopted like any server copy.
   */
  acknowledge(spec: DocumentSpec<unknown>, entry: OutboxEntry, value: ServerDocument<unknown>) {
    if (!this.#stillPending(entry)) return false;
    this.#store.transaction(() => {
      this.#store.outbox.remove(entry.id);
      const server = spec.server();
      // A replayed answer (same key after a crash) may be older than what we already hold.
      if (!server || value.version > server.version) spec.setServer(value);
      this.#rebuildLocal(spec);
    });
    return true;
  }

  /** Drops an entry the service refused: its fields revert, history says why. */
  drop(spec: DocumentSpec<unknown>, entry: OutboxEntry, reason: string): void {
    const server = spec.server();
    const at = this.#clock.now();
    this.#store.transaction(() => {
      this.#store.outbox.remove(entry.id);
      this.#rebuildLocal(spec);
      this.#store.history.add(
        Object.entries(entry.changes).map(([field, yours]) => ({
          at,
          field: historyField(spec.name, field),
          oldValue: yours,
          newValue: server ? valueAt(server.document, field) : null,
          by: this.#userId,
          deviceId: this.#deviceId,
          origin: 'server' as const,
          note: `Refused by the service, your change was undone: ${reason}`,
        })),
      );
    });
  }

  /** Removes an entry that has nothing left to send (the service already has its values). */
  discard(entry: OutboxEntry): void {
    this.#store.outbox.remove(entry.id);
  }

  /** Counts one send attempt on disk before the request goes out; null when the entry is gone. */
  markAttempt(entry: OutboxEntry): OutboxEntry | null {
    return this.#store.outbox.markAttempt(entry.id);
  }

  /** After a 412 the key was refused; a fresh one keeps the retry unambiguous. */
  rekeyIfUnchanged(entry: OutboxEntry): void {
    const current = this.#stillPending(entry);
    if (current) this.#apply([{ kind: 'rekey', id: current.id, changes: current.changes }]);
  }

  /**
   * The service is still at our base version, so no attempt since was applied (applying bumps the
   * version, and the service records a key only with a write): sent entries may merge again.
   */
  forgetUnappliedAttempts(spec: DocumentSpec<unknown>): void {
    for (const entry of this.#store.outbox.pending()) {
      if (entry.document === spec.name && entry.attempts > 0) {
        this.#store.outbox.merge([entry.id], entry.changes, entry.idempotencyKey);
      }
    }
  }

  /** The next entry to send (`nextSend`), merging a run of never-sent entries first. */
  nextEntry(): OutboxEntry | null {
    const next = nextSend(this.#store.outbox.pending());
    if (next === null) return null;
    if (next.kind === 'send') return next.entry;
    return this.#store.outbox.merge(next.ids, next.changes, randomUUID());
  }

  /** `entry` as stored, if still pending under the same key (not rebased or removed meanwhile). */
  #stillPending(entry: OutboxEntry): OutboxEntry | null {
    const current = this.#store.outbox.pending().find((candidate) => candidate.id === entry.id);
    return current && current.idempotencyKey === entry.idempotencyKey ? current : null;
  }

  #apply(edits: readonly OutboxEdit[]): void {
    for (const edit of edits) {
      if (edit.kind === 'remove') this.#store.outbox.remove(edit.id);
      else this.#store.outbox.merge([edit.id], edit.changes, randomUUID());
    }
  }

  #rebuildLocal<Document>(spec: DocumentSpec<Document>): void {
    const server = spec.server();
    if (server) spec.setLocal(localCopy(spec, server.document, this.#store.outbox.pending()));
  }
}
