import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as serviceApiCore from '../common/service-api';
import * as teamApi from '../common/team-api';
import { startService, type RunningService } from './index';

/** service/README.md is checked against the running server and the schemas in common/. */
const serviceApi = { ...serviceApiCore, ...teamApi };
const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');

const documentedRoutes = [
  ...readme.matchAll(/^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|/gm),
].map((match) => ({ method: match[1] ?? '', url: match[2] ?? '' }));

let folder: string;
let service: RunningService;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'service-readme-'));
  service = await startService({ databasePath: join(folder, 'service.sqlite'), seed: 'none' });
});

afterAll(async () => {
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('service/README.md', () => {
  it('documents routes', () => {
    expect(documentedRoutes.length).toBeGreaterThan(5);
  });

  it('documents only routes the server registers', () => {
    for (const route of documentedRoutes) {
      expect(
        service.app.hasRoute({ method: route.method, url: route.url }),
        `${route.method} ${route.url}`,
      ).toBe(true);
    }
  });

  it('documents every /api route the server registers', () => {
    const registered = service.routes
      .filter((route) => route.url.startsWith('/api/'))
      .map((route) => `${route.method} ${route.url}`)
      .sort();
    expect(registered).toEqual(
      documentedRoutes.map((route) => `${route.method} ${route.url}`).sort(),
    );
  });

  it('cites only schemas that common/service-api.ts exports', () => {
    const cited = new Set([...readme.matchAll(/`(\w+Schema)`/g)].map((match) => match[1] ?? ''));
    expect(cited.size).toBeGreaterThan(10);
    for (const name of cited) expect(Object.keys(serviceApi), name).toContain(name);
    for (const name of [...readme.matchAll(/`(roleRefusals|eventBodies)`/g)].map(
      (match) => match[1] ?? '',
    )) {
      expect(Object.keys(serviceApi), name).toContain(name);
    }
  });

  it('documents every socket message, and only those', () => {
    const cited = [...readme.matchAll(/`socketMessages\.(\w+)`/g)].map((match) => match[1] ?? '');
    const named = [...readme.matchAll(/^\|\s*`(\w+)`\s*\|\s*`socketMessages\.(\w+)`\s*\|/gm)].map(
      (match) => [match[1], match[2]],
    );
    expect(named).toHaveLength(Object.keys(serviceApi.socketMessages).length);
    expect(named.every(([name, schema]) => name === schema)).toBe(true);
    expect([...new Set(cited)].sort()).toEqual(Object.keys(serviceApi.socketMessages).sort());
  });
});
