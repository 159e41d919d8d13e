import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root (main/headless/ → ../../), where `tsx` and `service/cli.ts` live. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The demo user the companion signs in as: Jordan Park, an agent with a personal line. */
export const demoAgentToken = 'demo-token-jordan';
/** An admin of the demo business: the scenario injects events with this token. */
const demoAdminToken = 'demo-token-sam';

const serviceLineSchema = z.looseObject({ url: z.url(), port: z.int() });

export interface DemoService {
  url: string;
  token: string;
  /** Plays the demo scenario against the service; resolves when it has played. */
  play(speed: number): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `node --import tsx service/cli.ts …args` from the project root. */
function runServiceCli(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'service/cli.ts', ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Starts the stand-in service with the demo business in a child process (the layering keeps
 * service/ out of main/, so it runs beside the companion rather than inside it) with its
 * database in `folder`, and waits for the line that gives its URL.
 */
export async function startDemoService(folder: string): Promise<DemoService> {
  const child = runServiceCli([
    '--port',
    '0',
    '--db',
    `${folder}/service.sqlite`,
    '--seed',
    'demo',
    '--json',
  ]);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const parsed = serviceLineSchema.safeParse(JSON.parse(line));
        if (parsed.success) resolve(parsed.data.url);
      } catch {
        // Not the JSON line.
      }
    });
    child.once('exit', (code) =>
      reject(
        new Error(`The demo service exited (code ${code}) before it started: ${stderr.trim()}`),
      ),
    );
  });
  const players = new Set<ChildProcess>();
  return {
    url,
    token: demoAgentToken,
    play(speed) {
      const player = runServiceCli([
        'play',
        'demo',
        '--url',
        url,
        '--token',
        demoAdminToken,
        '--speed',
        String(speed),
      ]);
      players.add(player);
      return new Promise((resolve) => {
        player.once('exit', () => {
          players.delete(player);
          resolve();
        });
      });
    },
    async stop() {
      await Promise.all([...players].map(stopChild));
      await stopChild(child);
    },
  };
}
