import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { projectRoot } from './demo-service';

/**
 * Test and bench support: the headless companion as a real child process
 * (`node --import tsx main/headless/cli.ts …`), its stdout and stderr read line by line, with
 * waits on named lines rather than sleeps. Nothing in the running companion imports this.
 */
export interface HeadlessChild {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
  /** Resolves with the first line (current or future) that matches. */
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
  const waiters = new Set<() => void>();
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream] }).on('line', (line) => {
      lines[stream].push(line);
      for (const waiter of [...waiters]) waiter();
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      for (const waiter of [...waiters]) waiter();
      resolve(code);
    });
  });
  return {
    child,
    stdout: lines.stdout,
    stderr: lines.stderr,
    exited,
    waitForLine(stream, predicate, what, timeoutMilliseconds = 30_000) {
      return new Promise((resolve, reject) => {
        const timers: NodeJS.Timeout[] = [];
        const check = () => {
          const found = lines[stream].find(predicate);
          if (found !== undefined) {
            waiters.delete(check);
            timers.forEach(clearTimeout);
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            timers.forEach(clearTimeout);
            reject(new Error(`The companion exited before ${what}: ${lines.stderr.join('\n')}`));
          }
        };
        timers.push(
          setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`Timed out waiting for ${what}; stderr: ${lines.stderr.join('\n')}`));
          }, timeoutMilliseconds),
        );
        waiters.add(check);
        check();
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
