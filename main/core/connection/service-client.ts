import type { z } from 'zod';
import {
  apiErrorSchema,
  parseWith,
  profileSchema,
  testNotificationResultSchema,
  type ApiError,
  type Channel,
  type Profile,
  type TestNotificationResult,
} from '../../../common';

/** The service answered with a refusal (401, 403, 4xx/5xx with an ApiError body). */
export class ServiceRefusalError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiError['error'],
    reason: string,
  ) {
    super(reason);
    this.name = 'ServiceRefusalError';
  }
}

/** The service could not be reached, or answered something that is not the protocol. */
export class ServiceUnavailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ServiceUnavailableError';
  }
}

export interface ServiceClient {
  /** GET /api/me */
  profile(): Promise<Profile>;
  /** POST /api/test-notification (email and text samples go through the service's outbox). */
  testNotification(channel: Channel): Promise<TestNotificationResult>;
}

/** The companion's few direct HTTP calls to the service (preferences go through the sync engine). */
export function createServiceClient(options: {
  serviceUrl: string;
  token: string;
  timeoutMilliseconds?: number;
}): ServiceClient {
  const base = options.serviceUrl.replace(/\/+$/, '');

  async function call<Schema extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: Schema,
    body?: unknown,
  ): Promise<z.output<Schema>> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMilliseconds ?? 10_000),
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `Cannot reach the service (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const payload: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const refusal = apiErrorSchema.safeParse(payload);
      if (refusal.success) {
        throw new ServiceRefusalError(response.status, refusal.data.error, refusal.data.reason);
      }
      throw new ServiceUnavailableError(`The service answered ${response.status}`);
    }
    const parsed = parseWith(schema, payload);
    if (!parsed.ok) {
      throw new ServiceUnavailableError(
        `The service answered an invalid ${path}: ${parsed.message}`,
      );
    }
    return parsed.value;
  }

  return {
    profile: () => call('GET', '/api/me', profileSchema),
    testNotification: (channel) =>
      call('POST', '/api/test-notification', testNotificationResultSchema, { channel }),
  };
}
