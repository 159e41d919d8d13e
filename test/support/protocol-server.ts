import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import {
  socketAuthSchema,
  type AlertEvent,
  type ServiceEvent,
  type SocketAuth,
} from '../../common';

/**
 * A bare socket.io server that speaks the service protocol for one user (handshake auth, replay
 * after `afterSeq`, `replayDone`, refusals) and can send anything at all, hostile payloads
 * included: the connection's and the pipeline's tests, and the event-path bench, drive the core
 * with it where the stand-in service would not send what they need.
 */

export interface ProtocolServer {
  url: string;
  /**
   * Stores an event (with the next seq) and sends it to connected sockets; `userId` addresses it
   * to someone else than the server's user (a misaddressed event).
   */
  publish(event: AlertEvent, userId?: string): ServiceEvent;
  /** Sends any message with any payload to every connected socket. */
  emitRaw(name: string, payload: unknown): void;
  /** Closes every client's transport (a network drop seen from the client). */
  dropClients(): void;
  /** `afterSeq` of each accepted handshake, in order. */
  handshakes: number[];
  /** Each accepted handshake whole (protocol, epoch), in order. */
  auths: SocketAuth[];
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
  const auths: SocketAuth[] = [];
  // Not the service's HTTP API: every request but socket.io's is answered 404 at once, so a
  // core that asks (sync, the profile) is told no rather than left waiting.
  const http = createServer((_request, response) => {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'notFound', reason: 'Not served here' }));
  });
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
    auths.push(auth);
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
    auths,
    publish(event, to = userId) {
      const full = { ...event, seq: events.length + 1, userId: to };
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
