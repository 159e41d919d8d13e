import { io, type Socket } from 'socket.io-client';
import {
  currentProtocol,
  protocolHeader,
  versionedPreferencesSchema,
  type SocketMessageName,
  type UserPreferences,
} from '../../common';
import { createCondition } from './wait-for';

/**
 * The stand-in service seen from a test: a recording socket.io client that connects like the
 * companion does and keeps every message it receives (so a test waits on a named condition, never
 * a sleep), and plain HTTP calls with a bearer token.
 */
export interface RecordedMessage {
  /** A `SocketMessageName`, or anything else the service sent. */
  name: string;
  payload: unknown;
}

export interface TestDevice {
  socket: Socket;
  messages: RecordedMessage[];
  /** Payloads of one message name, in arrival order. */
  payloads(name: SocketMessageName): unknown[];
  /** Resolves once `predicate` holds over the recorded messages (checked on every arrival). */
  waitFor(
    predicate: (messages: RecordedMessage[]) => boolean,
    label: string,
    timeoutMilliseconds?: number,
  ): Promise<void>;
  close(): void;
}

export interface DeviceAuth {
  token: string;
  afterSeq?: number;
  deviceId?: string;
  /** The protocol the device says it speaks; left out, it is spoken to as protocol 1. */
  protocol?: number;
}

/** Connects a device; resolves once connected, rejects with the `connect_error` otherwise. */
export function connectDevice(url: string, auth: DeviceAuth): Promise<TestDevice> {
  return connectWithHandshake(url, { afterSeq: 0, deviceId: 'device-test', ...auth });
}

/** Connects with any handshake `auth` at all (for refusal tests). */
export function connectWithHandshake(url: string, handshake: unknown): Promise<TestDevice> {
  const socket = io(url, {
    auth: handshake as Record<string, unknown>,
    reconnection: false,
    transports: ['websocket'],
    forceNew: true,
  });
  const messages: RecordedMessage[] = [];
  const arrived = createCondition();
  socket.onAny((name: string, payload: unknown) => {
    messages.push({ name, payload });
    arrived.signal();
  });
  const device: TestDevice = {
    socket,
    messages,
    payloads: (name) =>
      messages.filter((message) => message.name === name).map((message) => message.payload),
    waitFor: (predicate, label, timeoutMilliseconds = 10_000) =>
      arrived.until(() => predicate(messages), label, timeoutMilliseconds),
    close: () => {
      socket.close();
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(device));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * One HTTP call to the service with a bearer token (null: none); the body is sent as JSON. It
 * speaks the current protocol (`X-Ringside-Protocol`) as the companion does; a header given as
 * null is left out (`{ 'x-ringside-protocol': null }` plays a companion from before issue 13).
 */
export async function callApi(
  url: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string | null> = {},
): Promise<ApiAnswer> {
  const sent: Record<string, string | null> = {
    [protocolHeader]: String(currentProtocol),
    ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...headers,
  };
  const response = await fetch(`${url}${path}`, {
    method,
    headers: Object.fromEntries(
      Object.entries(sent).filter((entry): entry is [string, string] => entry[1] !== null),
    ),
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text so the assertion shows it.
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/**
 * POST /api/events as an admin; resolves with the stored events, or null when the service is
 * unreachable or refuses (it may be between a kill and its restart).
 */
export async function injectOverHttp(
  url: string,
  adminToken: string,
  userId: string,
  event: Record<string, unknown>,
): Promise<Array<{ id: string; seq: number; userId: string }> | null> {
  try {
    const answer = await callApi(url, adminToken, 'POST', '/api/events', { userId, event });
    const body = answer.body as { events?: Array<{ id: string; seq: number; userId: string }> };
    if (answer.status < 200 || answer.status >= 300 || !Array.isArray(body.events)) return null;
    return body.events;
  } catch {
    return null;
  }
}

/** Changes a user's preferences as their companion would (GET, edit, PUT with If-Match). */
export async function editPreferencesOverHttp(
  url: string,
  token: string,
  edit: (preferences: UserPreferences) => void,
): Promise<void> {
  const current = versionedPreferencesSchema.parse(
    (await callApi(url, token, 'GET', '/api/preferences')).body,
  );
  const { preferences } = current;
  edit(preferences);
  const answer = await callApi(
    url,
    token,
    'PUT',
    '/api/preferences',
    { preferences },
    { 'if-match': `"${current.version}"` },
  );
  if (answer.status !== 200) {
    throw new Error(`Preferences not changed: ${JSON.stringify(answer.body)}`);
  }
}
