import type { Clock, Logger, TimerHandle } from '../ports';
import type { OutboxEntry } from '../store/repositories';
import { defaultRetryPolicy, retryDelay, type RetryPolicy } from './backoff';
import { compose, type DocumentSpec } from './documents';
import { sameValue } from './field-changes';
import type { SyncLedger } from './sync-ledger';
import type { SyncState } from './sync-status';
import { ServiceUnreachableError, type ServerDocument } from './transport';

/** Points of the send path, reported to `onTrace` (the kill -9 loop uses them to time its kills). */
export type SyncTraceStage = 'committed' | 'attempt' | 'sent' | 'acknowledged' | 'idle';

/** What the loop asks of the engine that owns it: the changes the user sees and is told about. */
export interface SendLoopHost {
  /** Adopts a server copy as the new merge base (rebasing the outbox); true when it changed anything. */
  adopt(
    spec: DocumentSpec<unknown>,
    incoming: ServerDocument<unknown>,
    fromDevice: string | null,
  ): boolean;
  /** Drops an entry that can never be applied, reverting its fields, and tells the user why. */
  refused(spec: DocumentSpec<unknown>, entry: OutboxEntry, reason: string): void;
  /** The local copy changed (an acknowledgement): publish the snapshot and the status. */
  changed(): void;
  /** The loop's state changed: publish the status. */
  publish(): void;
}

export interface SendLoopOptions {
  ledger: SyncLedger;
  host: SendLoopHost;
  clock: Clock;
  logger: Logger | undefined;
  retry: Partial<RetryPolicy> | undefined;
  random: () => number;
  trace: (stage: SyncTraceStage) => void;
}

type Outcome = 'continue' | 'retryLater' | 'blocked';

/**
 * The single-flight loop that sends the outbox in order, with If-Match and Idempotency-Key:
 * downloads both documents first (after a start, a reconnect or a 401), merges runs of
 * never-sent entries, counts each attempt on disk before the request, and backs off (capped, with
 * jitter) while the service is unreachable or busy. What each answer does to the local records is
 * `SyncLedger`'s; what the user is told is the host's.
 */
export class SendLoop {
  readonly #ledger: SyncLedger;
  readonly #host: SendLoopHost;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #retry: RetryPolicy;
  readonly #random: () => number;
  readonly #trace: (stage: SyncTraceStage) => void;

  #running = false;
  #pumping: Promise<void> | null = null;
  #again = false;
  #timer: TimerHandle | null = null;
  #failures = 0;
  #conflictStreak = 0;
  #offlineSince: number | null = null;
  /** A refusal that retrying cannot fix (401): the loop waits for `retryNow()` or a new edit. */
  #blocked: string | null = null;
  #lastSyncedAt: number | null = null;
  #refreshNeeded = true;

  constructor(options: SendLoopOptions) {
    this.#ledger = options.ledger;
    this.#host = options.host;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#retry = { ...defaultRetryPolicy, ...options.retry };
    this.#random = options.random;
    this.#trace = options.trace;
  }

  /** The loop's part of the status (`syncStatusOf`). */
  get state(): Pick<SyncState, 'blocked' | 'offlineSince' | 'lastSyncedAt'> {
    return {
      blocked: this.#blocked,
      offlineSince: this.#offlineSince,
      lastSyncedAt: this.#lastSyncedAt,
    };
  }

  /** Downloads both documents, then sends the outbox; resolves after that first pass. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#refreshNeeded = true;
    this.#kick();
    await this.#idle();
  }

  /** Stops (after the request in flight, if any). Pending edits stay in the outbox. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    await this.#idle();
  }

  /** Downloads again and sends at once, unblocked and without waiting for the backoff. */
  retryNow(): void {
    this.#blocked = null;
    this.#failures = 0;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#refreshNeeded = true;
    this.#kick();
  }

  /** A new edit lifts a block: it may be what the user did about it. */
  unblock(): void {
    this.#blocked = null;
  }

  /** Sends now unless stopped or waiting for the backoff (a pass in flight runs again). */
  wake(): void {
    if (this.#running && !this.#timer) this.#kick();
  }

  /** Waits until the outbox is empty, or sending is failing (offline, backing off, blocked). */
  async flush(): Promise<void> {
    this.wake();
    await this.#idle();
  }

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
        this.#host.publish();
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
      const { preferences, businessDefaults } = this.#ledger.documents;
      const specs: Array<DocumentSpec<unknown>> = [preferences, businessDefaults];
      for (const spec of specs) {
        const outcome = await this.#refresh(spec);
        if (outcome !== 'continue') return;
      }
      this.#refreshNeeded = false;
    }
    while (this.#running) {
      const entry = this.#ledger.nextEntry();
      if (!entry) {
        this.#lastSyncedAt = this.#clock.now();
        return;
      }
      const outcome = await this.#send(this.#ledger.specOf(entry), entry);
      if (outcome !== 'continue') return;
    }
  }

  /** Downloads one document and adopts it as the new merge base. */
  async #refresh(spec: DocumentSpec<unknown>): Promise<Outcome> {
    const response = await this.#call(() => spec.fetch());
    if (response === 'unreachable') return this.#retryLater('unreachable');
    if (!response.ok) return this.#answeredWithError(response.status, response.error.reason, null);
    this.#succeeded();
    const current = spec.server();
    if (current && response.value.version === current.version) {
      this.#ledger.forgetUnappliedAttempts(spec);
    }
    this.#host.adopt(spec, response.value, null);
    return 'continue';
  }

  async #send(spec: DocumentSpec<unknown>, entry: OutboxEntry): Promise<Outcome> {
    const server = spec.server();
    if (!server) {
      this.#refreshNeeded = true;
      return this.#refresh(spec);
    }
    const body = compose(spec, server.document, entry.changes);
    if (body === null) {
      this.#host.refused(spec, entry, 'The change is no longer valid with the current settings');
      return 'continue';
    }
    if (sameValue(body, server.document)) {
      // Nothing left to send (the service already has these values).
      this.#ledger.discard(entry);
      this.#host.publish();
      return 'continue';
    }
    const attempt = this.#ledger.markAttempt(entry);
    if (!attempt) return 'continue';
    this.#trace('attempt');
    const pending = this.#call(() => spec.put(body, server.version, entry.idempotencyKey));
    this.#trace('sent');
    const response = await pending;
    if (response === 'unreachable') return this.#retryLater('unreachable');
    if (response.ok) {
      this.#succeeded();
      this.#conflictStreak = 0;
      if (this.#ledger.acknowledge(spec, entry, response.value)) {
        this.#host.changed();
      } else {
        // Rebased while in flight (a push moved the base): adopt the answer like any server copy.
        this.#host.adopt(spec, response.value, null);
      }
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
        this.#ledger.rekeyIfUnchanged(entry);
        if (this.#conflictStreak > 2) return this.#retryLater('conflict');
        return 'continue';
      }
      default:
        return this.#answeredWithError(response.status, response.error.reason, { spec, entry });
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

  /**
   * The service answered an error status to a GET (`sent` null) or to the PUT of `sent.entry`:
   * a busy service is retried later, a 401 (or any refused GET) blocks the loop, and any other
   * refused PUT is dropped.
   */
  #answeredWithError(
    status: number,
    reason: string,
    sent: { spec: DocumentSpec<unknown>; entry: OutboxEntry } | null,
  ): Outcome {
    if (worthRetrying(status)) {
      // The service answered, so this device is not offline; the edit stays pending.
      this.#offlineSince = null;
      return this.#retryLater('server');
    }
    this.#succeeded();
    if (status === 401 || sent === null) {
      // Signed out or token revoked: keep every edit, stop until the user signs in again.
      this.#blocked = reason;
      this.#host.publish();
      return 'blocked';
    }
    // 403 (a role refusal), 400, 404…: the same request will never succeed, and keeping it would
    // hold back every later edit. Drop it, put the service's values back, and say why.
    this.#host.refused(sent.spec, sent.entry, reason);
    return 'continue';
  }

  /** Counts a failure and schedules the next try on the backoff. */
  #retryLater(cause: 'unreachable' | 'server' | 'conflict'): Outcome {
    this.#failures += 1;
    if (cause === 'unreachable' && this.#offlineSince === null) {
      this.#offlineSince = this.#clock.now();
    }
    this.#scheduleRetry();
    this.#host.publish();
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
}

/** 408, 429 and 5xx: the service is there but could not take the request now; it may later. */
function worthRetrying(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
