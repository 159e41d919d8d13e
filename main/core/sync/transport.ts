import { z } from 'zod';
import {
  apiErrorSchema,
  currentProtocol,
  deviceNameHeader,
  deviceNameSchema,
  idSchema,
  protocolHeader,
  versionedBusinessDefaultsSchema,
  versionedPreferencesSchema,
  writtenByDeviceHeader,
  type ApiError,
  type BusinessDefaults,
  type UserPreferences,
  type VersionedBusinessDefaults,
  type VersionedPreferences,
} from '../../../common';

/** A versioned document as the sync engine handles it. */
export interface ServerDocument<Document> {
  version: number;
  document: Document;
  /**
   * The device that wrote this version, when a download says (`X-Written-By-Device`, and its
   * `X-Device-Name`): issue 14 §6's "…was turned on from laptop" after a download.
   */
  writer?: { deviceId: string; deviceName: string | null };
}

/** An answer from the service: the document, or its refusal (`apiErrorSchema`). */
export type TransportResponse<Document> =
  | { ok: true; status: number; value: ServerDocument<Document> }
  | { ok: false; status: number; error: ApiError };

/** The service could not be reached (connection refused, reset, timeout): retry later. */
export class ServiceUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceUnreachableError';
  }
}

/**
 * What the sync engine needs from the service's HTTP API. `HttpSyncTransport` is the real one;
 * tests use it against the real stand-in service.
 */
export interface SyncTransport {
  getPreferences(): Promise<TransportResponse<UserPreferences>>;
  putPreferences(
    preferences: UserPreferences,
    ifMatchVersion: number,
    idempotencyKey: string,
  ): Promise<TransportResponse<UserPreferences>>;
  getBusinessDefaults(): Promise<TransportResponse<BusinessDefaults>>;
  putBusinessDefaults(
    defaults: BusinessDefaults,
    ifMatchVersion: number,
    idempotencyKey: string,
  ): Promise<TransportResponse<BusinessDefaults>>;
}

export interface HttpSyncTransportOptions {
  /** `http://127.0.0.1:4000`: the service's base URL. */
  baseUrl: string;
  token: string;
  /** Sent as `X-Device-Id`, so the service does not push this device's own change back to it. */
  deviceId: string;
  /** Sent URI-encoded as `X-Device-Name` (`deviceNameSchema`); none when absent or not a name. */
  deviceName?: string;
  /** Per request; default 10 s. */
  timeoutMilliseconds?: number;
}

/** Counts requests, for the benchmark ("1,000 offline edits become N requests"). */
export interface RequestCounter {
  get: number;
  put: number;
}

/** The writer a download names in its headers, validated; null when it names none. */
function writerOf(headers: Headers): { deviceId: string; deviceName: string | null } | null {
  const deviceId = idSchema.safeParse(headers.get(writtenByDeviceHeader));
  if (!deviceId.success) return null;
  let decoded: string | null = null;
  try {
    decoded = decodeURIComponent(headers.get(deviceNameHeader) ?? '');
  } catch {
    decoded = null;
  }
  const name = deviceNameSchema.safeParse(decoded);
  return { deviceId: deviceId.data, deviceName: name.success ? name.data : null };
}

/** The sync transport over global fetch. Every response body is validated with zod. */
export class HttpSyncTransport implements SyncTransport {
  readonly requests: RequestCounter = { get: 0, put: 0 };
  readonly #options: HttpSyncTransportOptions;
  readonly #deviceNameHeader: Record<string, string>;

  constructor(options: HttpSyncTransportOptions) {
    this.#options = options;
    const name = deviceNameSchema.safeParse(options.deviceName);
    this.#deviceNameHeader = name.success
      ? { [deviceNameHeader]: encodeURIComponent(name.data) }
      : {};
  }

  getPreferences(): Promise<TransportResponse<UserPreferences>> {
    return this.#request('GET', '/api/preferences', undefined, {}, (body, headers) => {
      const parsed = versionedPreferencesSchema.parse(body) satisfies VersionedPreferences;
      const writer = writerOf(headers);
      return {
        version: parsed.version,
        document: parsed.preferences,
        ...(writer ? { writer } : {}),
      };
    });
  }

  putPreferences(
    preferences: UserPreferences,
    ifMatchVersion: number,
    idempotencyKey: string,
  ): Promise<TransportResponse<UserPreferences>> {
    return this.#request(
      'PUT',
      '/api/preferences',
      { preferences },
      { 'if-match': `"${ifMatchVersion}"`, 'idempotency-key': idempotencyKey },
      (body) => {
        const parsed = versionedPreferencesSchema.parse(body);
        return { version: parsed.version, document: parsed.preferences };
      },
    );
  }

  getBusinessDefaults(): Promise<TransportResponse<BusinessDefaults>> {
    return this.#request('GET', '/api/business-defaults', undefined, {}, (body) => {
      const parsed = versionedBusinessDefaultsSchema.parse(
        body,
      ) satisfies VersionedBusinessDefaults;
      return { version: parsed.version, document: parsed.defaults };
    });
  }

  putBusinessDefaults(
    defaults: BusinessDefaults,
    ifMatchVersion: number,
    idempotencyKey: string,
  ): Promise<TransportResponse<BusinessDefaults>> {
    return this.#request(
      'PUT',
      '/api/business-defaults',
      { defaults },
      { 'if-match': `"${ifMatchVersion}"`, 'idempotency-key': idempotencyKey },
      (body) => {
        const parsed = versionedBusinessDefaultsSchema.parse(body);
        return { version: parsed.version, document: parsed.defaults };
      },
    );
  }

  async #request<Document>(
    method: 'GET' | 'PUT',
    path: string,
    body: unknown,
    headers: Record<string, string>,
    read: (body: unknown, headers: Headers) => ServerDocument<Document>,
  ): Promise<TransportResponse<Document>> {
    if (method === 'GET') this.requests.get += 1;
    else this.requests.put += 1;
    let response: Response;
    let text: string;
    try {
      response = await fetch(new URL(path, this.#options.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.#options.token}`,
          'x-device-id': this.#options.deviceId,
          ...this.#deviceNameHeader,
          // Version-2 settings documents: without it the service answers as to an older companion.
          [protocolHeader]: String(currentProtocol),
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#options.timeoutMilliseconds ?? 10_000),
      });
      text = await response.text();
    } catch (error) {
      throw new ServiceUnreachableError(
        `The service at ${this.#options.baseUrl} could not be reached: ${describe(error)}`,
        { cause: error },
      );
    }
    const json = parseJson(text);
    if (response.ok) {
      try {
        return { ok: true, status: response.status, value: read(json, response.headers) };
      } catch (error) {
        // A 2xx we cannot read is the service's fault: retried like a 5xx.
        return {
          ok: false,
          status: 502,
          error: {
            error: 'internal',
            reason: `Unreadable answer from the service: ${describe(error)}`,
          },
        };
      }
    }
    const refusal = apiErrorSchema.safeParse(json);
    return {
      ok: false,
      status: response.status,
      error: refusal.success
        ? refusal.data
        : {
            error: response.status >= 500 ? 'internal' : 'invalid',
            reason: `HTTP ${response.status}`,
          },
    };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) return error.issues.map((issue) => issue.message).join('; ');
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
