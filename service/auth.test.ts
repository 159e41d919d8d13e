import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiErrorSchema,
  profileSchema,
  socketRefusalSchema,
  versionedPreferencesSchema,
} from '../common';
import { startService, type RunningService } from './index';
import { callApi, connectDevice, connectWithHandshake } from '../test/support/service-test-client';

let folder: string;
let service: RunningService;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'service-auth-'));
  service = await startService({ databasePath: join(folder, 'service.sqlite') });
});

afterEach(async () => {
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

async function refusalOf(handshake: unknown) {
  const error = await connectWithHandshake(service.url, handshake).then(
    (device) => {
      device.close();
      throw new Error('The service accepted the socket');
    },
    (refused: unknown) => refused as Error & { data?: unknown },
  );
  return socketRefusalSchema.parse(error.data);
}

describe('HTTP auth', () => {
  it('refuses a request without a token with 401 and a reason', async () => {
    const answer = await callApi(service.url, null, 'GET', '/api/me');
    expect(answer.status).toBe(401);
    const body = apiErrorSchema.parse(answer.body);
    expect(body.error).toBe('unauthorized');
    expect(body.reason).toMatch(/Authorization/);
  });

  it('refuses an unknown token and a malformed header', async () => {
    for (const header of ['Bearer nope', 'Basic abc', 'Bearer ']) {
      const answer = await callApi(service.url, null, 'GET', '/api/me', undefined, {
        authorization: header,
      });
      expect(answer.status, header).toBe(401);
      expect(apiErrorSchema.parse(answer.body).error).toBe('unauthorized');
    }
  });

  it('answers /api/me for a seeded token with the lines and ring groups the user receives on', async () => {
    const answer = await callApi(service.url, service.tokens.jordan ?? '', 'GET', '/api/me');
    expect(answer.status).toBe(200);
    const profile = profileSchema.parse(answer.body);
    expect(profile.user).toMatchObject({
      id: 'user-jordan',
      role: 'agent',
      personalLineId: 'line-jordan',
    });
    expect(profile.lines.map((line) => line.id).sort()).toEqual(['line-jordan', 'line-support']);
    expect(profile.ringGroups).toEqual([{ id: 'rg-support', name: 'Support' }]);
    expect(profile.team.map((member) => member.role)).toEqual([
      'billingAdmin',
      'admin',
      'agent',
      'agent',
    ]);
  });

  it('keeps /api/health open', async () => {
    expect((await callApi(service.url, null, 'GET', '/api/health')).status).toBe(200);
  });
});

describe('socket auth', () => {
  it('refuses an unknown token with connect_error data', async () => {
    const refusal = await refusalOf({ token: 'nope', afterSeq: 0, deviceId: 'device-1' });
    expect(refusal.code).toBe('unauthorized');
  });

  it('refuses a missing token', async () => {
    expect((await refusalOf({})).code).toBe('unauthorized');
    expect((await refusalOf(undefined)).code).toBe('unauthorized');
  });

  it('refuses an invalid handshake, naming the field', async () => {
    const refusal = await refusalOf({
      token: 'demo-token-sam',
      afterSeq: -1,
      deviceId: 'device 1',
    });
    expect(refusal.code).toBe('invalid');
    expect(refusal.reason).toMatch(/afterSeq/);
    expect(refusal.reason).toMatch(/deviceId/);
  });

  it('accepts a seeded token and says the (empty) replay is done', async () => {
    const device = await connectDevice(service.url, { token: service.tokens.sam ?? '' });
    await device.waitFor(
      (messages) => messages.some((message) => message.name === 'replayDone'),
      'replayDone',
    );
    expect(device.payloads('replayDone')).toEqual([{ lastSeq: 0, replayed: 0 }]);
    expect(service.connectedDevices('user-sam')).toEqual(['device-test']);
    device.close();
  });
});

describe('hostile input', () => {
  it('answers bad JSON, oversized bodies and unknown routes with JSON errors', async () => {
    const token = service.tokens.sam ?? '';
    const badJson = await callApi(service.url, token, 'POST', '/api/events', '{"userId":');
    expect(badJson.status).toBe(400);
    expect(apiErrorSchema.parse(badJson.body).error).toBe('invalid');

    const huge = await callApi(service.url, token, 'POST', '/api/events', {
      userId: '*',
      event: { kind: 'text', body: 'x'.repeat(400 * 1024) },
    });
    expect(huge.status).toBe(413);
    apiErrorSchema.parse(huge.body);

    const missing = await callApi(service.url, token, 'GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(apiErrorSchema.parse(missing.body).error).toBe('notFound');

    const notObject = await callApi(service.url, token, 'POST', '/api/presence', '[1,2]');
    expect(notObject.status).toBe(400);

    const prototype = await callApi(
      service.url,
      token,
      'POST',
      '/api/presence',
      '{"onCall":true,"__proto__":{"role":"admin"},"constructor":{"prototype":{}}}',
    );
    expect(prototype.status).toBe(400);
    apiErrorSchema.parse(prototype.body);
  });

  it('answers hostile headers and query strings with a named 4xx, never a 500', async () => {
    const token = service.tokens.jordan ?? '';
    const current = versionedPreferencesSchema.parse(
      (await callApi(service.url, token, 'GET', '/api/preferences')).body,
    );
    const body = { preferences: { ...current.preferences, fisherMode: true } };
    const put = (headers: Record<string, string>) =>
      callApi(service.url, token, 'PUT', '/api/preferences', body, headers);
    const errorOf = (answer: { body: unknown }) => apiErrorSchema.parse(answer.body);

    // If-Match: anything but one version (or *) matches nothing, so it is a 412, not a write.
    for (const ifMatch of [
      `"${current.version}`,
      `${current.version}"`,
      `"${current.version}", "9"`,
      'x'.repeat(4000),
      '"99999999999999999999"',
    ]) {
      const answer = await put({ 'if-match': ifMatch });
      expect(answer.status, ifMatch.slice(0, 40)).toBe(412);
      expect(errorOf(answer).current).toBe(current.version);
    }
    for (const [name, value] of [
      ['idempotency-key', 'k'.repeat(201)],
      ['idempotency-key', 'has space'],
      ['idempotency-key', 'non-ascii-é'],
      ['x-device-id', 'd'.repeat(129)],
      ['x-device-id', 'device 1'],
    ] as const) {
      const answer = await callApi(service.url, token, 'PUT', '/api/preferences', body, {
        'if-match': `"${current.version}"`,
        // fetch sends header values as Latin-1; encode so non-ASCII reaches the service as bytes.
        [name]: Buffer.from(value, 'utf8').toString('latin1'),
      });
      expect(answer.status, `${name}: ${value.slice(0, 20)}`).toBe(400);
      expect(errorOf(answer).reason).toMatch(
        name === 'idempotency-key' ? /^Idempotency-Key/ : /^X-Device-Id/,
      );
    }
    // None of the refused requests wrote anything.
    const after = versionedPreferencesSchema.parse(
      (await callApi(service.url, token, 'GET', '/api/preferences')).body,
    );
    expect(after.version).toBe(current.version);

    for (const query of [
      '?afterSeq=abc',
      '?afterSeq=-1',
      '?afterSeq=1.5',
      '?afterSeq=1&afterSeq=2',
      '?limit=0',
      '?limit=100000',
      '?unknown=1',
      '?__proto__=1',
      '?constructor[prototype][role]=admin',
      `?afterSeq=${'9'.repeat(400)}`,
    ]) {
      const answer = await callApi(service.url, token, 'GET', `/api/events${query}`);
      expect(answer.status, query.slice(0, 40)).toBe(400);
      expect(errorOf(answer).error).toBe('invalid');
    }
    for (const query of ['?userId=__proto__', '?userId=user-sam', `?userId=${'u'.repeat(300)}`]) {
      const answer = await callApi(service.url, token, 'GET', `/api/outbox${query}`);
      expect([400, 403], query.slice(0, 40)).toContain(answer.status);
      errorOf(answer);
    }

    const longToken = await callApi(service.url, 'x'.repeat(8000), 'GET', '/api/me');
    expect(longToken.status).toBe(401);
    expect(({} as Record<string, unknown>)['role']).toBeUndefined();
  });

  it('ignores whatever a socket client emits and keeps serving', async () => {
    const device = await connectDevice(service.url, { token: service.tokens.jordan ?? '' });
    device.socket.emit('event', { kind: 'call' });
    device.socket.emit('presence', null);
    device.socket.emit('__proto__', 'x'.repeat(10_000));
    device.socket.emit('constructor');
    // A message larger than the socket's buffer limit ends that connection only.
    const closed = new Promise<void>((resolve) =>
      device.socket.once('disconnect', () => resolve()),
    );
    device.socket.emit('flood', 'x'.repeat(200 * 1024));
    await closed;
    const again = await connectDevice(service.url, { token: service.tokens.jordan ?? '' });
    await again.waitFor(
      (messages) => messages.some((message) => message.name === 'replayDone'),
      'replayDone',
    );
    expect((await callApi(service.url, null, 'GET', '/api/health')).status).toBe(200);
    again.close();
  });
});
