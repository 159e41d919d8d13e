import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Test and bench support: the stand-in service as a real child process
 * (`node --import tsx service/cli.ts --port P --db PATH --json`), so a test can SIGKILL it
 * mid-stream and start it again on the same port and database. Nothing in the running
 * companion imports this.
 */

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** SIGKILL (default) or SIGTERM, and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the service process and resolves once it prints its JSON line (it is listening then). */
export async function startServiceProcess(options: {
  databasePath: string;
  port?: number;
  seed?: 'demo' | 'none';
}): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'service/cli.ts',
      '--port',
      String(options.port ?? 0),
      '--db',
      options.databasePath,
      '--seed',
      options.seed ?? 'demo',
      '--json',
    ],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { url?: unknown; port?: unknown };
        if (typeof parsed.url === 'string' && typeof parsed.port === 'number') {
          resolve({ url: parsed.url, port: parsed.port });
        }
      } catch {
        // Not the JSON line.
      }
    });
    void exited.then(() => reject(new Error(`The service process exited: ${stderr.trim()}`)));
  });
  return {
    ...started,
    child,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** POST /api/events as an admin: resolves with the stored events, or null when unreachable. */
export async function injectOverHttp(
  url: string,
  adminToken: string,
  userId: string,
  event: Record<string, unknown>,
): Promise<Array<{ id: string; seq: number; userId: string }> | null> {
  try {
    const response = await fetch(`${url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId, event }),
    });
    if (!response.ok) return null;
    const body = (await response.json()) as {
      events: Array<{ id: string; seq: number; userId: string }>;
    };
    return body.events;
  } catch {
    return null;
  }
}
