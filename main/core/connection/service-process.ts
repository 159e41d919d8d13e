import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { serviceStartedLineSchema, type ServiceStartedLine } from '../../../common';

/**
 * The stand-in service (`service/cli.ts`) as a child process, the one way every caller starts it:
 * the headless demo, the Electron demo (a `utilityProcess` over the bundled CLI, which only
 * shares `serviceArguments`, `waitForServiceStart` and the demo sign-ins), and tests that SIGKILL
 * it mid-stream and start it again on the same port and database. The layering keeps `service/`
 * out of `main/`, so the service runs beside the companion, never inside it; this file only
 * spawns it and reads the one line it prints (`serviceStartedLineSchema` in common).
 */

/** What is read from the child: Node's `ChildProcess` and Electron's `UtilityProcess` both fit. */
export interface ServiceChild {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
}

export interface ServiceProcessOptions {
  databasePath: string;
  /** 0 (the default) picks a free port; the started line says which. */
  port?: number;
  /** 'demo' (the default) writes the demo business into an empty database. */
  seed?: 'demo' | 'none';
}

/**
 * Who the demo companions (headless and Electron) sign in as in a service seeded with the demo
 * business (`seed: 'demo'`, service/seed.ts): Jordan Park, an agent with a personal line. Kept
 * here, beside the one way to start that service, since the layering keeps service/ out of main/.
 */
export const demoAgentToken = 'demo-token-jordan';
/** An admin of the demo business: the demo scenario injects events with this token. */
export const demoAdminToken = 'demo-token-sam';

/** The command line that starts the service listening and printing its started line. */
export function serviceArguments(options: ServiceProcessOptions): string[] {
  return [
    '--port',
    String(options.port ?? 0),
    '--db',
    options.databasePath,
    '--seed',
    options.seed ?? 'demo',
    '--json',
  ];
}

/**
 * Resolves with the service's started line (it is listening then); rejects with the end of its
 * stderr when the child exits first. Other lines on stdout are skipped.
 */
export function waitForServiceStart(child: ServiceChild): Promise<ServiceStartedLine> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-4000);
  });
  return new Promise((resolve, reject) => {
    if (!child.stdout) {
      reject(new Error('The service process has no stdout to read its address from.'));
      return;
    }
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return; // Not the started line.
      }
      const parsed = serviceStartedLineSchema.safeParse(json);
      if (parsed.success) resolve(parsed.data);
    });
    child.once('exit', (code) =>
      reject(new Error(`The service exited (code ${code}) before it started: ${stderr.trim()}`)),
    );
  });
}

/**
 * The checkout's root: the nearest folder holding `service/cli.ts` at or above `folder`. This
 * module runs from its source (`main/core/connection/`) and from the bundles `npm start` and
 * `npm run headless` build (`dist/launcher/`, `dist/headless/`), each at its own depth.
 */
export function projectRootAbove(folder: string): string {
  for (let current = folder; ; current = dirname(current)) {
    if (existsSync(join(current, 'service', 'cli.ts'))) return current;
    if (dirname(current) === current) {
      throw new Error(`The stand-in service (service/cli.ts) is not in or above ${folder}`);
    }
  }
}

/**
 * Runs `node --import tsx service/cli.ts …args` from the project root (source checkouts: the
 * headless companion and tests). The Electron shell forks its bundled CLI instead.
 */
export function spawnServiceCli(args: readonly string[]): ChildProcess {
  const projectRoot = projectRootAbove(dirname(fileURLToPath(import.meta.url)));
  return spawn(process.execPath, ['--import', 'tsx', 'service/cli.ts', ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface ServiceProcess extends ServiceStartedLine {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** SIGKILL (default) or SIGTERM, and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the service process and resolves once it prints its started line. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawnServiceCli(serviceArguments(options));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await waitForServiceStart(child);
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
