import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createCondition } from './wait-for';

/** The repository root, where `tsx` and `main/headless/cli.ts` live. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The headless companion as a real child process (`node --import tsx main/headless/cli.ts …`),
 * its stdout and stderr read line by line, with waits on named lines rather than sleeps.
 */
export interface HeadlessChild {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
  /**
   * Resolves with the first line (current or future) that matches; rejects when the companion
   * exits first or after `timeoutMilliseconds`, with its stderr.
   */
  waitForLine(
    stream: 'stdout' | 'stderr',
    predicate: (line: string) => boolean,
    what: string,
    timeoutMilliseconds?: number,
  ): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnHeadless(
  args: readonly string[],
  environment: Record<string, string | undefined> = {},
): HeadlessChild {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/headless/cli.ts', ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...environment },
  });
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const changed = createCondition();
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream] }).on('line', (line) => {
      lines[stream].push(line);
      changed.signal();
    });
  }
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  // 'close', not 'exit': its output is read to the end first (lines a kill or a stop left in
  // the pipe still count).
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      changed.signal();
      resolve(code);
    });
  });
  return {
    child,
    stdout: lines.stdout,
    stderr: lines.stderr,
    exited,
    async waitForLine(stream, predicate, what, timeoutMilliseconds = 30_000) {
      const found = () => lines[stream].find(predicate);
      await changed.until(
        () => found() !== undefined || hasExited(),
        () => `${what}; stderr: ${lines.stderr.join('\n')}`,
        timeoutMilliseconds,
      );
      const line = found();
      if (line === undefined) {
        throw new Error(`The companion exited before ${what}: ${lines.stderr.join('\n')}`);
      }
      return line;
    },
    async kill(signal = 'SIGKILL') {
      if (!hasExited()) child.kill(signal);
      await exited;
    },
  };
}
