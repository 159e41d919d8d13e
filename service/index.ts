import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Server } from 'socket.io';
import type { Role, ServiceEvent } from '../common';
import { systemClock, WakeTimer, type Clock } from './clock';
import { openServiceDatabase } from './database';
import { callStateRecipients } from './call-recipients';
import { parseEventBody } from './event-body';
import { EventHub, type DigestListener, type EmitListener } from './event-hub';
import { registerHttpApi } from './http-api';
import { seedDemo } from './seed';
import { attachSocketServer } from './socket-server';
import { createServiceStore } from './store';

export { demoBusiness, demoContacts, demoLines, demoRingGroup, demoUsers } from './seed';
export type { DemoUserKey } from './seed';
export { demoScenario } from './scenarios/demo';
export { createHttpTarget, playScenario, withSettings } from './scenario-player';
export type {
  Scenario,
  ScenarioStep,
  ScenarioTarget,
  PlayOptions,
  SettingsChange,
} from './scenario-player';
export { systemClock, type Clock, type TimerHandle } from './clock';

export interface StartServiceOptions {
  /** Default 127.0.0.1: the service is a loopback stand-in. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default: a new file in a fresh folder under the OS temp folder. */
  databasePath?: string;
  /** 'demo' (default) writes the demo business into an empty database. */
  seed?: 'demo' | 'none';
  /**
   * The service's clock (default: the system's): `occurredAt` of events emitted without one,
   * policy decisions and outbox times, and the timer of appointment reminders. A test passes
   * one it moves by hand, so reminders fall due without sleeping.
   */
  clock?: Clock;
  /** Fastify's request log to stdout; off by default. */
  log?: boolean;
  /** Request body limit in bytes (default 256 KiB). */
  bodyLimit?: number;
  pingIntervalMilliseconds?: number;
  pingTimeoutMilliseconds?: number;
}

/** One user of the running service, with the token that signs in as them. */
export interface ServiceUserInfo {
  key: string;
  id: string;
  name: string;
  role: Role;
  email: string | null;
  token: string;
}

export interface RunningService {
  /** http://host:port */
  url: string;
  port: number;
  databasePath: string;
  /** Bearer token of every user, by user key ("sam" → "demo-token-sam"). */
  tokens: Record<string, string>;
  users: ServiceUserInfo[];
  /**
   * Emits an event (body: `kind` plus that kind's fields) to one user, or to every user of every
   * business (`*`), validated as POST /api/events validates it. Throws with the invalid fields
   * named when the body is invalid.
   */
  inject(userId: string, eventBody: unknown, occurredAt?: string): ServiceEvent[];
  /** Sets a user's on-call state and pushes `presence` to their devices. */
  setPresence(userId: string, onCall: boolean): void;
  /** Device ids of a user's connected sockets now. */
  connectedDevices(userId: string): string[];
  /** Called after every emitted event, with the outbox rows it produced. */
  onEmit(listener: EmitListener): () => void;
  /** Called with the digests written when held emails and texts fall due. */
  onDigest(listener: DigestListener): () => void;
  /** Every HTTP route registered (HEAD routes that mirror GET left out). */
  routes: ReadonlyArray<{ method: string; url: string }>;
  /** The Fastify instance (`hasRoute`, `printRoutes`, `inject`). */
  app: FastifyInstance;
  io: Server;
  /** Stops accepting, disconnects every socket, closes the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the stand-in telephony service: Fastify HTTP API and socket.io on one port, over its
 * own SQLite file. Restarting on the same `databasePath` keeps every event, seq, preference,
 * idempotency key and outbox row.
 */
export async function startService(options: StartServiceOptions = {}): Promise<RunningService> {
  const clock = options.clock ?? systemClock();
  const databasePath =
    options.databasePath ??
    join(mkdtempSync(join(tmpdir(), 'ringside-service-')), 'service.sqlite');
  const database = openServiceDatabase(databasePath);
  const store = createServiceStore(database);
  if ((options.seed ?? 'demo') === 'demo') seedDemo(store, clock.now());
  // Reminders and digests: planned from what the database holds; reminders that fell due while
  // the service was down are raised now under the late rule
  // (common/detectors/appointment-reminders.ts), and digests that fell due are sent now.
  const reminders = new WakeTimer(
    clock,
    () => hub.nextWake(),
    () => hub.fireDue(),
    (error) => {
      process.stderr.write(
        `Raising due reminders or digests failed (retrying in a minute): ${String(error)}\n`,
      );
    },
  );
  const hub: EventHub = new EventHub(store, clock, (at) => reminders.consider(at));
  hub.fireDue();
  reminders.replan();

  const app = Fastify({
    logger: options.log ?? false,
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    // Keep-alive connections would otherwise hold close() open.
    forceCloseConnections: true,
  });
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });
  registerHttpApi(app, { store, hub, clock });
  const io = attachSocketServer(app.server, store, hub, {
    ...(options.pingIntervalMilliseconds === undefined
      ? {}
      : { pingIntervalMilliseconds: options.pingIntervalMilliseconds }),
    ...(options.pingTimeoutMilliseconds === undefined
      ? {}
      : { pingTimeoutMilliseconds: options.pingTimeoutMilliseconds }),
  });

  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    // A port in use must not leave the database open behind the thrown error.
    reminders.stop();
    await new Promise<void>((resolve) => {
      void io.close(() => resolve());
    });
    database.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const tokenOf = new Map(store.tokens().map((entry) => [entry.userId, entry.token]));
  const users: ServiceUserInfo[] = store.users().map((user) => ({
    key: user.key,
    id: user.id,
    name: user.name,
    role: user.role,
    email: user.email,
    token: tokenOf.get(user.id) ?? '',
  }));

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    databasePath,
    tokens: Object.fromEntries(users.map((user) => [user.key, user.token])),
    users,
    inject(userId, eventBody, occurredAt) {
      const body = parseEventBody(eventBody);
      if (!body.ok) throw new Error(`Invalid event: ${body.message}`);
      const targets =
        userId === '*' ? store.users() : [store.user(userId)].filter((user) => user !== null);
      if (targets.length === 0) throw new Error(`No user ${userId}`);
      return callStateRecipients(store, body.value, targets).map((user) =>
        hub.emit(user, body.value, occurredAt),
      );
    },
    setPresence(userId, onCall) {
      if (!store.user(userId)) throw new Error(`No user ${userId}`);
      store.setOnCall(userId, onCall);
      hub.push(userId, 'presence', { onCall });
    },
    connectedDevices: (userId) => hub.connectedDevices(userId),
    onEmit: (listener) => hub.onEmit(listener),
    onDigest: (listener) => hub.onDigest(listener),
    routes,
    app,
    io,
    close() {
      closing ??= (async () => {
        reminders.stop();
        io.disconnectSockets(true);
        // io.close() also closes the HTTP server, which Fastify then finds already closed.
        await new Promise<void>((resolve) => {
          void io.close(() => resolve());
        });
        await app.close();
        database.close();
      })();
      return closing;
    },
  };
}
