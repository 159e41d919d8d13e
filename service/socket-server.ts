import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { parseWith, socketAuthSchema, type socketRefusalSchema } from '../common';
import type { z } from 'zod';
import type { DeviceHandshake, EventHub } from './event-hub';
import type { ServiceStore } from './store';

type SocketRefusal = z.infer<typeof socketRefusalSchema>;

interface DeviceData extends DeviceHandshake {
  userId: string;
}

// The companion never emits to the service: any message it sends is ignored, never handled.
type ServiceSocket = Socket<
  Record<string, never>,
  Record<string, (payload: unknown) => void>,
  Record<string, never>,
  DeviceData
>;

/** An Error whose `data` reaches the client as `connect_error`'s `err.data`. */
function refusal(code: SocketRefusal['code'], reason: string): Error & { data: SocketRefusal } {
  return Object.assign(new Error(reason), { data: { code, reason } });
}

export interface SocketServerOptions {
  /** socket.io heartbeat, so tests of dead connections need not wait 45 s. */
  pingIntervalMilliseconds?: number;
  pingTimeoutMilliseconds?: number;
}

/**
 * The socket.io server on the same HTTP server as the API. The handshake `auth` is checked in
 * middleware so a refusal is a `connect_error` with a reason, never a hang; replay and live
 * pushes are the hub's (socket.io's own connection-state recovery is deliberately off).
 */
export function attachSocketServer(
  httpServer: HttpServer,
  store: ServiceStore,
  hub: EventHub,
  options: SocketServerOptions = {},
): Server {
  const io = new Server<
    Record<string, never>,
    Record<string, (payload: unknown) => void>,
    Record<string, never>,
    DeviceData
  >(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: options.pingIntervalMilliseconds ?? 25_000,
    pingTimeout: options.pingTimeoutMilliseconds ?? 20_000,
  });

  io.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token =
      typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    if (token === undefined || token === '') {
      next(refusal('unauthorized', 'Missing token in the handshake auth'));
      return;
    }
    const parsed = parseWith(socketAuthSchema, auth);
    if (!parsed.ok) {
      next(refusal('invalid', parsed.message));
      return;
    }
    const user = store.userByToken(parsed.value.token);
    if (!user) {
      next(refusal('unauthorized', 'Unknown or expired token'));
      return;
    }
    socket.data = {
      userId: user.id,
      deviceId: parsed.value.deviceId,
      afterSeq: parsed.value.afterSeq,
      // No `protocol`: an older companion, spoken to as protocol 1 (no session, no outcomes).
      protocol: parsed.value.protocol ?? 1,
      epoch: parsed.value.epoch ?? null,
    };
    next();
  });

  io.on('connection', (socket: ServiceSocket) => {
    const { userId, ...handshake } = socket.data;
    socket.on('disconnect', () => hub.detach(userId, socket));
    hub.attach(userId, handshake, socket).catch(() => {
      // A replay that fails (the database closed under it) ends this connection, not the server.
      socket.disconnect(true);
    });
  });

  return io;
}
