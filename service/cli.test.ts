import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventPageSchema } from '../common';
import { callApi } from '../test/support/service-test-client';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const cli = ['--import', 'tsx', 'service/cli.ts'];

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'service-cli-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** Starts `npm run service` as a real process; resolves with its first (JSON) line. */
async function startProcess(databasePath: string) {
  const child = spawn(process.execPath, [...cli, '--port', '0', '--db', databasePath, '--json'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const [line] = await Promise.race([
    (async () => {
      for await (const first of createInterface({ input: child.stdout })) return [first];
      return [''];
    })(),
    exited.then((code) => {
      throw new Error(`The service exited with ${code} before printing its URL`);
    }),
  ]);
  const started = JSON.parse(line ?? '') as { url: string; tokens: Record<string, string> };
  return { ...started, stop: () => (child.kill('SIGTERM'), exited) };
}

describe('npm run service', () => {
  // Four real processes each compile TypeScript at start: slow on a shared 2-core machine.
  it(
    'prints URL and tokens, injects from the CLI, refuses invalid fields, and keeps state across restarts',
    { timeout: 120_000 },
    async () => {
      const databasePath = join(folder, 'service.sqlite');
      const first = await startProcess(databasePath);
      expect(first.tokens).toMatchObject({ sam: 'demo-token-sam', jordan: 'demo-token-jordan' });
      const injected = await run(
        process.execPath,
        [
          ...cli,
          'inject',
          '--url',
          first.url,
          '--token',
          'demo-token-sam',
          '--user',
          'user-jordan',
          '--kind',
          'text',
          '--json',
          '{"lineId":"line-jordan","from":"+14155552631","contactName":"Ann Lee","body":"Hi"}',
        ],
        { cwd: root },
      );
      expect(injected.stdout).toMatch(/^200 /);
      const refused = await run(
        process.execPath,
        [
          ...cli,
          'inject',
          '--url',
          first.url,
          '--token',
          'demo-token-sam',
          '--user',
          '*',
          '--kind',
          'fax',
          '--json',
          '{"pages":0}',
        ],
        { cwd: root },
      ).catch((error: { code: number; stderr: string }) => error);
      expect('code' in refused && refused.code).toBe(1);
      expect(refused.stderr).toMatch(/event\.pages/);
      expect(await first.stop()).toBe(0);

      const second = await startProcess(databasePath);
      const page = eventPageSchema.parse(
        (await callApi(second.url, 'demo-token-jordan', 'GET', '/api/events')).body,
      );
      expect(page.events.map((event) => event.kind === 'text' && event.body)).toEqual(['Hi']);
      expect(await second.stop()).toBe(0);
    },
  );
});
