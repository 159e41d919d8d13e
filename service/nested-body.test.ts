import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiErrorSchema,
  defaultBusinessDefaults,
  defaultUserPreferences,
  versionedPreferencesSchema,
} from '../common';
import { maxBodyDepth, nestsDeeperThan } from './http/json-body';
import { startService, type RunningService } from './index';
import { sampleEventBodies } from '../test/support/sample-event-bodies';
import { callApi } from '../test/support/service-test-client';

/** Issue 16 §5: bodies nested 50,000 levels deep answer 400, never 500, on every route. */
const levels = 50_000;
const bodyLimit = 256 * 1024;

/** Each nested body is raw JSON text: building it as a value and stringifying would overflow. */
const nestedBodies: Record<string, string> = {
  objects: `${'{"":'.repeat(levels)}1${'}'.repeat(levels)}`,
  arrays: `${'['.repeat(levels)}${']'.repeat(levels)}`,
  'arrays inside a field': `{"event":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`,
};

let folder: string;
let service: RunningService;
let token: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'service-nested-'));
  service = await startService({ databasePath: join(folder, 'service.sqlite'), bodyLimit });
  token = service.tokens.sam ?? '';
});

afterAll(async () => {
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Every registered route that takes a body, so a route added later is covered too. */
function bodyRoutes() {
  return service.routes.filter(
    (route) => route.url.startsWith('/api/') && ['POST', 'PUT', 'PATCH'].includes(route.method),
  );
}

describe('deeply nested request bodies', () => {
  it('fit within the body limit, so the answer is about depth and not size', () => {
    for (const [shape, body] of Object.entries(nestedBodies)) {
      expect(Buffer.byteLength(body), shape).toBeLessThan(bodyLimit);
    }
  });

  it('are refused with 400 and a reason on every route that takes a body, and the service answers the next request', async () => {
    const routes = bodyRoutes().map((route) => `${route.method} ${route.url}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'PUT /api/preferences',
        'PUT /api/business-defaults',
        'POST /api/events',
        'POST /api/presence',
        'POST /api/test-notification',
      ]),
    );
    for (const route of bodyRoutes()) {
      for (const [shape, body] of Object.entries(nestedBodies)) {
        // With an Idempotency-Key the request is hashed, the path that once recursed the body.
        for (const headers of [{ 'if-match': '*' }, { 'if-match': '*', 'idempotency-key': 'k1' }]) {
          const label = `${route.method} ${route.url}, ${shape}, ${Object.keys(headers).join('+')}`;
          const answer = await callApi(service.url, token, route.method, route.url, body, headers);
          expect(answer.status, label).toBe(400);
          const refusal = apiErrorSchema.parse(answer.body);
          expect(refusal.error, label).toBe('invalid');
          expect(refusal.reason, label).toBe(
            `The body nests objects and arrays more than ${maxBodyDepth} levels deep`,
          );
        }
        const next = await callApi(service.url, null, 'GET', '/api/health');
        expect(next.status, `after ${route.url}`).toBe(200);
      }
    }

    // A real change goes through afterwards, and nothing nested was applied.
    const current = versionedPreferencesSchema.parse(
      (await callApi(service.url, token, 'GET', '/api/preferences')).body,
    );
    expect(current.version).toBe(1);
    const put = await callApi(
      service.url,
      token,
      'PUT',
      '/api/preferences',
      { preferences: { ...current.preferences, fisherMode: !current.preferences.fisherMode } },
      { 'if-match': `"${current.version}"`, 'idempotency-key': 'k1' },
    );
    expect(put.status).toBe(200);
  });

  it('pass the parser up to the limit, and the route then judges them', async () => {
    const deepest = `{"onCall":true,"extra":${'['.repeat(maxBodyDepth - 1)}${']'.repeat(maxBodyDepth - 1)}}`;
    const answer = await callApi(service.url, token, 'POST', '/api/presence', deepest);
    expect(answer.status).toBe(400);
    expect(apiErrorSchema.parse(answer.body).fields).toEqual([
      { path: 'extra', message: 'Unknown field' },
    ]);
  });
});

describe('nestsDeeperThan', () => {
  it('counts objects and arrays inside one another, up to the limit and one past it', () => {
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 3)).toBe(true);
    // Siblings do not add up: this is 3 deep, however many arrays sit side by side.
    expect(nestsDeeperThan('[[],[],[[]],{}]', 3)).toBe(false);
    expect(nestsDeeperThan('[[],[],[[]],{}]', 2)).toBe(true);
    expect(nestsDeeperThan('"text" 12 null', 0)).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ a: 'say "[[[[" \\' }), 1)).toBe(false);
    // An escaped backslash ends before the quote, so the string closes and the brackets count.
    expect(nestsDeeperThan('{"a":"\\\\","b":[[[]]]}', 3)).toBe(true);
  });

  it('answers for any depth without exhausting the stack', () => {
    expect(nestsDeeperThan('['.repeat(1_000_000), maxBodyDepth)).toBe(true);
  });

  it('leaves room above the deepest bodies the API takes', () => {
    const deepest = [
      { preferences: defaultUserPreferences('America/Los_Angeles') },
      { defaults: defaultBusinessDefaults() },
      ...Object.values(sampleEventBodies).map((event) => ({ userId: '*', event })),
    ];
    for (const body of deepest) {
      expect(nestsDeeperThan(JSON.stringify(body), maxBodyDepth / 4)).toBe(false);
    }
  });
});
