import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import {
  currentProtocol,
  parseWith,
  socketAuthSchema,
  socketMessages,
  socketRefusalSchema,
  type ConnectionState,
  type SocketAuth,
  type SocketMessageName,
} from '../../../common';
import { ArrivalQueue, rethrowWriteFailure, type BatchRunner } from '../event-batch';
import {
  ObservableValue,
  type Clock,
  type Logger,
  type Observable,
  type TimerHandle,
} from '../ports';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff';

/** One validated server → client message. */
export type ConnectionMessage = {
  [Name in SocketMessageName]: { name: Name; value: z.output<(typeof socketMessages)[Name]> };
}[SocketMessageName];

export interface ServiceConnectionOptions {
  serviceUrl: string;
  token: string;
  deviceId: string;
  /**
   * The last sequence number fully processed, read fresh at every (re)connect so the service
   * replays exactly what was not persisted (ProcessedEventRepository.lastSeq()).
   */
  lastSeq: () => number;
  /**
   * The data epoch `lastSeq` belongs to (ProcessedEventRepository.epoch()), null before the
   * first `session`: read fresh at every handshake with `lastSeq`.
   */
  epoch: () => string | null;
  /**
   * Runs each batch of messages that arrived together (main/core/event-batch.ts): the
   * companion's `EventBatches`, so a batch is one transaction with its pop-ups after the commit.
   */
  batches: BatchRunner;
  clock: Clock;
  logger: Logger;
  backoff?: Partial<BackoffOptions>;
  /** Jitter source; tests pass a fixed one. */
  random?: () => number;
  /** socket.io's handshake timeout, in milliseconds. */
  connectTimeoutMilliseconds?: number;
}

/** Why a message was refused at the boundary; kept short for logs. */
export interface InvalidMessage {
  name: string;
  reason: string;
}

const messageNames = Object.keys(socketMessages) as SocketMessageName[];

/** Longest reason text kept from a refused payload, so a 1 MB string is not logged whole. */
const reasonLimit = 300;

/**
 * The live socket to the telephony service.
 *
 * - One socket.io-client socket is created once and reused for every reconnect, so each message
 *   has exactly one listener however many times the link drops.
 * - socket.io's own reconnection is off: this class owns the loop (exponential backoff, jitter,
 *   a cap) so it can show "reconnecting in N s", read `lastSeq` fresh, and stop for good on a
 *   refusal (a bad token is not retried).
 * - Every message is validated with the protocol's zod schemas; an invalid one is logged with
 *   its reason and counted in `invalid`, never passed on.
 * - Messages are handed to listeners in arrival order, each batch of what arrived together
 *   inside one run of `batches` (the batch contract: main/core/event-batch.ts). A batch a
 *   failed write rolled back is held and tried again (rule 7); no event id is remembered here:
 *   "seen" is what the store committed (rule 6).
 */
export class ServiceConnection {
  readonly #options: ServiceConnectionOptions;
  readonly #backoff: BackoffOptions;
  readonly #state = new ObservableValue<ConnectionState>({
    status: 'offline',
    since: 0,
    reason: 'Not started',
  });
  readonly #invalid = new ObservableValue<number>(0);
  readonly #listeners = new Set<(message: ConnectionMessage) => void>();
  readonly #connectedListeners = new Set<() => void>();
  readonly #disconnectedListeners = new Set<(reason: string) => void>();
  readonly #socket: Socket;
  readonly #arrivals: ArrivalQueue<ConnectionMessage>;
  #attempt = 0;
  #retryTimer: TimerHandle | null = null;
  #countdownTimer: TimerHandle | null = null;
  #running = false;
  #connects = 0;

  constructor(options: ServiceConnectionOptions) {
    this.#options = options;
    this.#backoff = { ...defaultBackoff, ...options.backoff };
    this.#arrivals = new ArrivalQueue<ConnectionMessage>((batch) => this.#runBatch(batch), {
      clock: options.clock,
      // Held too long: let go of the link; the replay brings it all back from `lastSeq`.
      onOverflow: () => this.dropLink(),
    });
    this.#socket = io(options.serviceUrl, {
      autoConnect: false,
      reconnection: false,
      forceNew: true,
      transports: ['websocket'],
      timeout: options.connectTimeoutMilliseconds ?? 10_000,
      // A function, so every handshake carries the sequence number persisted at that moment.
      auth: (callback) => callback(this.#handshakeAuth()),
    });
    this.#listen();
  }

  /** The one observable connection state (connecting, connected, reconnecting, offline, refused). */
  get state(): Observable<ConnectionState> {
    return this.#state;
  }

  /** How many messages were refused at the boundary since start. */
  get invalid(): Observable<number> {
    return this.#invalid;
  }

  /** A batch is held after a failed write (rule 7 of main/core/event-batch.ts). */
  get holding(): boolean {
    return this.#arrivals.holding;
  }

  /** Successful handshakes since creation (tests and diagnostics). */
  get connects(): number {
    return this.#connects;
  }

  /** Listeners on the underlying socket per message name: stays 1 across reconnects. */
  listenerCounts(): Record<SocketMessageName, number> {
    const counts = {} as Record<SocketMessageName, number>;
    for (const name of messageNames) counts[name] = this.#socket.listeners(name).length;
    return counts;
  }

  /** Every validated message, in arrival order. Returns an unsubscribe function. */
  onMessage(listener: (message: ConnectionMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The handshake succeeded; a replay (then `replayDone`) follows. */
  onConnected(listener: () => void): () => void {
    this.#connectedListeners.add(listener);
    return () => this.#connectedListeners.delete(listener);
  }

  onDisconnected(listener: (reason: string) => void): () => void {
    this.#disconnectedListeners.add(listener);
    return () => this.#disconnectedListeners.delete(listener);
  }

  /** Connects (or reconnects now, skipping any wait). A refused connection stays refused. */
  start(): void {
    if (this.#state.get().status === 'refused') return;
    this.#running = true;
    if (this.#socket.connected || this.#state.get().status === 'connecting') return;
    this.#clearTimers();
    this.#connect();
  }

  /**
   * Goes offline on purpose (system sleep, network gone) without counting it as a failure;
   * `start()` comes back immediately.
   */
  pause(reason: string): void {
    this.#running = false;
    this.#clearTimers();
    this.#socket.disconnect();
    if (this.#state.get().status !== 'refused') {
      this.#state.set({ status: 'offline', since: this.#options.clock.now(), reason });
    }
  }

  /** Closes for good. */
  stop(): void {
    this.pause('Stopped');
    this.#arrivals.close();
    this.#listeners.clear();
    this.#connectedListeners.clear();
    this.#disconnectedListeners.clear();
  }

  /** Drops the transport as a network failure would: the retry loop takes over (tests, diagnostics). */
  dropLink(): void {
    this.#socket.io.engine?.close();
  }

  #handshakeAuth(): SocketAuth {
    const auth: SocketAuth = {
      token: this.#options.token,
      afterSeq: this.#options.lastSeq(),
      deviceId: this.#options.deviceId,
      // Issue 13: pushes of settings documents come in the version this companion reads.
      protocol: currentProtocol,
      epoch: this.#options.epoch(),
    };
    // Fail loudly here rather than be refused by the service for a malformed handshake.
    return socketAuthSchema.parse(auth);
  }

  #connect(): void {
    this.#state.set({ status: 'connecting' });
    this.#socket.connect();
  }

  #listen(): void {
    const socket = this.#socket;
    socket.on('connect', () => {
      this.#attempt = 0;
      this.#connects += 1;
      this.#state.set({ status: 'connected', since: this.#options.clock.now() });
      for (const listener of [...this.#connectedListeners]) listener();
    });
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      const refusal = socketRefusalSchema.safeParse(error.data);
      if (refusal.success) {
        // The service said no: retrying a bad token only hammers the service.
        this.#running = false;
        this.#clearTimers();
        this.#socket.disconnect();
        this.#options.logger.warn('The service refused the connection', {
          code: refusal.data.code,
          reason: refusal.data.reason,
        });
        this.#state.set({ status: 'refused', reason: refusal.data.reason });
        return;
      }
      this.#scheduleRetry(`Cannot reach the service (${error.message})`);
    });
    socket.on('disconnect', (reason) => {
      // Not yet handed on: the handshake after the reconnect asks for them again (they are after
      // the persisted `lastSeq`), in order with whatever follows.
      this.#arrivals.clear();
      for (const listener of [...this.#disconnectedListeners]) listener(reason);
      if (reason === 'io client disconnect') return;
      this.#scheduleRetry(`Connection lost (${reason})`);
    });
    for (const name of messageNames) {
      socket.on(name, (payload: unknown) => this.#receive(name, payload));
    }
    socket.onAny((name: unknown) => {
      if (typeof name === 'string' && (messageNames as string[]).includes(name)) return;
      this.#refuse({ name: String(name).slice(0, 100), reason: 'Unknown message name' });
    });
  }

  #receive(name: SocketMessageName, payload: unknown): void {
    const parsed = parseWith(socketMessages[name], payload);
    if (!parsed.ok) {
      this.#refuse({ name, reason: parsed.message.slice(0, reasonLimit) });
      return;
    }
    this.#arrivals.push({ name, value: parsed.value } as ConnectionMessage);
  }

  /** Throws (the queue holds the batch and retries it) only when a write failed: rule 7. */
  #runBatch(batch: readonly ConnectionMessage[]): void {
    try {
      this.#options.batches.run(() => {
        for (const message of batch) this.#dispatch(message);
      });
    } catch (error) {
      rethrowWriteFailure(error);
      // The batch was not recorded (its transaction failed): the replay brings it back.
      this.#options.logger.error('A batch of messages failed; reconnecting to replay it', {
        size: batch.length,
        error: error instanceof Error ? error.message : String(error),
      });
      this.dropLink();
    }
  }

  #dispatch(message: ConnectionMessage): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(message);
      } catch (error) {
        // A failed write aborts the whole batch; any other failing consumer must not take the
        // socket down with it.
        rethrowWriteFailure(error);
        this.#options.logger.error('A message listener failed', {
          name: message.name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  #refuse(invalid: InvalidMessage): void {
    this.#invalid.set(this.#invalid.get() + 1);
    this.#options.logger.warn('Refused an invalid message from the service', {
      name: invalid.name,
      reason: invalid.reason,
    });
  }

  #scheduleRetry(reason: string): void {
    if (!this.#running || this.#state.get().status === 'refused') return;
    this.#clearTimers();
    this.#attempt += 1;
    const attempt = this.#attempt;
    const delay = backoffDelay(attempt, this.#backoff, this.#options.random);
    const clock = this.#options.clock;
    const dueAt = clock.now() + delay;
    const show = () => {
      const remaining = Math.max(0, dueAt - clock.now());
      this.#state.set({
        status: 'reconnecting',
        inSeconds: Math.ceil(remaining / 1000),
        attempt,
        reason,
      });
      // Count down once a second so the tray can say "reconnecting in 3 s, 2 s, 1 s".
      if (remaining > 1000) {
        this.#countdownTimer = clock.setTimeout(show, remaining % 1000 || 1000);
      }
    };
    show();
    this.#retryTimer = clock.setTimeout(() => {
      this.#retryTimer = null;
      if (this.#countdownTimer) clock.clearTimeout(this.#countdownTimer);
      this.#countdownTimer = null;
      if (this.#running) this.#connect();
    }, delay);
  }

  #clearTimers(): void {
    if (this.#retryTimer) this.#options.clock.clearTimeout(this.#retryTimer);
    if (this.#countdownTimer) this.#options.clock.clearTimeout(this.#countdownTimer);
    this.#retryTimer = null;
    this.#countdownTimer = null;
  }
}
