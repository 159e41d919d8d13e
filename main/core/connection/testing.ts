import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { socketAuthSchema, type AlertEvent, type ServiceEvent } from '../../../common';
import type { Logger, NotifierPort, PopupContent, PopupResult } from '../ports';

/**
 * Test support for the connection and the pipeline: a recording logger, a wait on an observable
 * condition (no fixed sleeps), and a bare socket.io server that speaks the service protocol
 * (handshake auth, replay after `afterSeq`, `replayDone`, refusals) and can send anything at all,
 * hostile payloads included. Tests only; nothing in the running companion imports this.
 */

export interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A Logger that keeps every line (a real fake, passed through constructors). */
export function createRecordingLogger(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const record =
    (level: LoggedLine['level']) => (message: string, fields?: Record<string, unknown>) => {
      lines.push({ level, message, fields });
    };
  return { lines, info: record('info'), warn: record('warn'), error: record('error') };
}

/** Shared with the sync tests: main/core/testing/wait-for.ts. */
export { waitForValue } from '../testing/wait-for';

/** Resolves when `condition()` is true, re-checking each time `signal` is called. */
export function createCondition(): {
  signal: () => void;
  until: (condition: () => boolean, what: string, timeoutMilliseconds?: number) => Promise<void>;
} {
  const waiters = new Set<() => void>();
  return {
    signal: () => {
      for (const waiter of [...waiters]) waiter();
    },
    until: (condition, what, timeoutMilliseconds = 15_000) =>
      new Promise((resolve, reject) => {
        if (condition()) {
          resolve();
          return;
        }
        const check = () => {
          if (!condition()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Timed out waiting for ${what}`));
        }, timeoutMilliseconds);
        waiters.add(check);
      }),
  };
}

export interface ProtocolServer {
  url: string;
  /** Stores an event (with the next seq) and sends it to connected sockets. */
  publish(event: AlertEvent): ServiceEvent;
  /** Sends any message with any payload to every connected socket. */
  emitRaw(name: string, payload: unknown): void;
  /** Closes every client's transport (a network drop seen from the client). */
  dropClients(): void;
  /** `afterSeq` of each accepted handshake, in order. */
  handshakes: number[];
  connectedCount(): number;
  close(): Promise<void>;
}

/** A bare socket.io server speaking the service protocol for one user, on 127.0.0.1. */
export async function startProtocolServer(options: {
  tokens: readonly string[];
  userId?: string;
  port?: number;
}): Promise<ProtocolServer> {
  const userId = options.userId ?? 'user-1';
  const events: ServiceEvent[] = [];
  const handshakes: number[] = [];
  const http = createServer();
  const server = new Server(http, { maxHttpBufferSize: 4e6 });
  server.use((socket, next) => {
    const auth = socketAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) {
      next(
        Object.assign(new Error('invalid'), { data: { code: 'invalid', reason: 'Bad handshake' } }),
      );
      return;
    }
    if (!options.tokens.includes(auth.data.token)) {
      next(
        Object.assign(new Error('unauthorized'), {
          data: { code: 'unauthorized', reason: 'This sign-in has expired; sign in again' },
        }),
      );
      return;
    }
    next();
  });
  server.on('connection', (socket) => {
    const auth = socketAuthSchema.parse(socket.handshake.auth);
    handshakes.push(auth.afterSeq);
    const backlog = events.filter((event) => event.seq > auth.afterSeq);
    for (const event of backlog) socket.emit('event', event);
    socket.emit('replayDone', { lastSeq: events.at(-1)?.seq ?? 0, replayed: backlog.length });
    void socket.join('live');
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handshakes,
    publish(event) {
      const full = { ...event, seq: events.length + 1, userId };
      events.push(full);
      server.to('live').emit('event', full);
      return full;
    },
    emitRaw(name, payload) {
      server.to('live').emit(name, payload);
    },
    dropClients() {
      for (const socket of server.sockets.sockets.values()) socket.conn.close();
    },
    connectedCount: () => server.sockets.sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        void server.close(() => resolve());
      }),
  };
}

/**
 * A fake at the OS edge: records every pop-up and wakes waiters (real pop-ups are checked in
 * test/headless-daemon.test.ts through dunst).
 */
export class RecordingNotifierFake implements NotifierPort {
  readonly shown: PopupContent[] = [];
  readonly #condition = createCondition();
  readonly #clicks = new Set<(itemId: string) => void>();
  available: { available: true } | { available: false; reason: string } = { available: true };

  probe(): Promise<{ available: true } | { available: false; reason: string }> {
    return Promise.resolve(this.available);
  }

  show(content: PopupContent): Promise<PopupResult> {
    this.shown.push(content);
    this.#condition.signal();
    return Promise.resolve({ shown: true });
  }

  onClick(listener: (itemId: string) => void): void {
    this.#clicks.add(listener);
  }

  click(itemId: string): void {
    for (const listener of this.#clicks) listener(itemId);
  }

  /** Resolves once a pop-up matching `predicate` has been shown. */
  waitFor(predicate: (content: PopupContent) => boolean, what: string): Promise<void> {
    return this.#condition.until(() => this.shown.some(predicate), what);
  }
}
