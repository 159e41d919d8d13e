import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordingLogger } from './support/recording-logger';
import { UtilityProcessDemoService, type ChildProcessPort } from '../main/electron/demo-service';

/**
 * The embedded demo service with a REAL child process: Node running service/cli.ts stands in for
 * Electron's utilityProcess running the bundled dist/service/service-cli.cjs (same arguments,
 * same stdout line).
 */

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the embedded demo service', () => {
  it('starts the stand-in service, signs in as the demo agent, and stops it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ringside-demo-'));
    folders.push(dataDir);
    const children: ChildProcessPort[] = [];
    const exited: Array<number | null> = [];
    const demo = new UtilityProcessDemoService({
      fork: (modulePath, args) => {
        const child = spawn(process.execPath, ['--import', 'tsx', modulePath, ...args], {
          cwd: process.cwd(),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.once('exit', (code) => exited.push(code));
        const port: ChildProcessPort = {
          stdout: child.stdout,
          stderr: child.stderr,
          once: (_event, listener) => child.once('exit', (code) => listener(code ?? 0)),
          kill: () => child.kill(),
        };
        children.push(port);
        return port;
      },
      serviceModule: path.resolve('service/cli.ts'),
      logger: createRecordingLogger(),
      playScenario: false,
    });
    const target = await demo.start({ dataDir });
    expect(target.serviceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${target.serviceUrl}/api/me`, {
      headers: { authorization: `Bearer ${target.token}` },
    });
    expect(response.status).toBe(200);
    const me = (await response.json()) as { user: { id: string; role: string } };
    expect(me.user).toMatchObject({ id: 'user-jordan', role: 'agent' });
    await target.stop();
    expect(children).toHaveLength(1);
    expect(exited).toHaveLength(1);
  });
});
