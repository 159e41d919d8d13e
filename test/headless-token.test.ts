import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from './support/headless-child';
import {
  OptionsError,
  parseHeadlessOptions,
  tokenOnCommandLineWarning,
  type HeadlessOptions,
} from '../main/headless/options';
import { startService } from '../service';

/**
 * Issue 16: the service token never has to be on the command line, where `ps` shows it to every
 * local user. It comes from standard input (`--token-stdin`), RINGSIDE_TOKEN or the config file;
 * `--token` still works and says once why it should not be used.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'ringside-token-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

function configFile(content: object, mode: number): string {
  const path = join(temporaryFolder(), 'ringside.json');
  writeFileSync(path, JSON.stringify(content));
  chmodSync(path, mode);
  return path;
}

const service = { RINGSIDE_SERVICE_URL: 'http://127.0.0.1:1/' };

function parse(
  argv: string[],
  environment: Record<string, string> = {},
  stdin: string | null = null,
): HeadlessOptions {
  let reads = 0;
  const parsed = parseHeadlessOptions(argv, environment, {
    readStdin() {
      reads += 1;
      if (stdin === null) throw new Error('standard input is read only for --token-stdin');
      return stdin;
    },
  });
  if (parsed === 'help') throw new Error('unexpected help');
  expect(reads).toBe(argv.includes('--token-stdin') ? 1 : 0);
  return parsed;
}

describe('where the headless companion takes its token from', () => {
  it('standard input with --token-stdin: the first line, trimmed, and no warning', () => {
    const options = parse(['--token-stdin'], service, 'token-from-a-pipe\r\nignored\n');
    expect(options).toMatchObject({
      token: 'token-from-a-pipe',
      tokenSource: 'stdin',
      warnings: [],
    });
  });

  it('RINGSIDE_TOKEN: no warning', () => {
    expect(parse([], { ...service, RINGSIDE_TOKEN: 'token-from-env' })).toMatchObject({
      token: 'token-from-env',
      tokenSource: 'environment',
      warnings: [],
    });
  });

  it('the config file: no warning when it is owner-only, one naming chmod 600 when others can read it', (context) => {
    const privateFile = configFile(
      { serviceUrl: 'http://127.0.0.1:1/', token: 'from-file' },
      0o600,
    );
    expect(parse(['--config', privateFile])).toMatchObject({
      token: 'from-file',
      tokenSource: 'config',
      warnings: [],
    });
    if (process.platform === 'win32') {
      context.skip('Windows has no POSIX file modes to warn about.');
    }
    const openFile = configFile({ serviceUrl: 'http://127.0.0.1:1/', token: 'from-file' }, 0o644);
    expect(parse(['--config', openFile]).warnings).toEqual([
      `Warning: the config file ${openFile} holds your sign-in token and other local users can read it: run chmod 600 ${openFile}.`,
    ]);
    // A config without a token has nothing to protect.
    const noToken = configFile({ json: true }, 0o644);
    expect(parse(['--config', noToken]).warnings).toEqual([]);
  });

  it('--token still works, and warns (once) that other local users can read it', () => {
    const options = parse(['--token', 'token-on-the-line'], service);
    expect(options).toMatchObject({ token: 'token-on-the-line', tokenSource: 'flag' });
    expect(options.warnings).toEqual([tokenOnCommandLineWarning]);
    expect(tokenOnCommandLineWarning).toMatch(/other local users can read it \(ps/);
  });

  it('flags win over RINGSIDE_TOKEN, which wins over the config file', () => {
    const file = configFile({ serviceUrl: 'http://127.0.0.1:1/', token: 'from-file' }, 0o600);
    const environment = { RINGSIDE_TOKEN: 'from-env' };
    expect(parse(['--config', file], environment).tokenSource).toBe('environment');
    expect(parse(['--config', file, '--token-stdin'], environment, 'from-stdin\n')).toMatchObject({
      token: 'from-stdin',
      tokenSource: 'stdin',
    });
  });

  it('refuses both flags at once, an empty standard input, and an unreadable one, with a sentence', () => {
    expect(() => parse(['--token-stdin', '--token', 'x'], service, 'y')).toThrow(
      /one way: --token-stdin or --token, not both/,
    );
    expect(() => parse(['--token-stdin'], service, '\n')).toThrow(OptionsError);
    expect(() => parse(['--token-stdin'], service, '   \n')).toThrow(/read no token/);
    expect(() =>
      parseHeadlessOptions(['--token-stdin'], service, {
        readStdin: () => {
          throw new Error('EAGAIN');
        },
      }),
    ).toThrow(/could not read standard input: EAGAIN/);
    expect(() => parse([], service)).toThrow(/pipe it to --token-stdin, set RINGSIDE_TOKEN/);
  });
});

interface Child {
  child: ChildProcess;
  stderr: string[];
  waitForStderr(predicate: (line: string) => boolean, what: string): Promise<string>;
}

/** The headless companion as a process whose standard input the test writes. */
function startHeadless(args: string[], environment: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/headless/cli.ts', ...args], {
    cwd: projectRoot,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, RINGSIDE_SERVICE_URL: '', RINGSIDE_TOKEN: '', ...environment },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    for (const waiter of [...waiters]) waiter();
  });
  return {
    child,
    stderr,
    waitForStderr(predicate, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Timed out waiting for ${what}; stderr: ${stderr.join('\n')}`));
        }, 30_000);
        const check = () => {
          const found = stderr.find(predicate);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** What `ps` shows for the process: its arguments (Linux's /proc; null where there is none). */
function commandLineOf(pid: number | undefined): string | null {
  const file = `/proc/${pid}/cmdline`;
  return existsSync(file) ? readFileSync(file, 'utf8').split('\0').join(' ') : null;
}

describe('the headless companion process and its token', () => {
  it('signs in with a token piped to --token-stdin, which never appears in its arguments', async (context) => {
    const running = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
    cleanups.push(() => running.close());
    const token = 'demo-token-jordan';
    const headless = startHeadless([
      '--service-url',
      running.url,
      '--token-stdin',
      '--data-dir',
      join(temporaryFolder(), 'companion'),
    ]);
    headless.child.stdin!.end(`${token}\n`);
    await headless.waitForStderr((line) => line.startsWith('Connected'), 'connected');
    expect(headless.stderr.join('\n')).not.toContain('Warning');
    const commandLine = commandLineOf(headless.child.pid);
    if (commandLine === null) context.skip('No /proc here to read a process’s arguments from.');
    expect(commandLine).toContain('--token-stdin');
    expect(commandLine).not.toContain(token);
  });

  it('with --token it still signs in, says why not once, and the token is in its arguments for all to see', async (context) => {
    const running = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
    cleanups.push(() => running.close());
    const headless = startHeadless([
      '--service-url',
      running.url,
      '--token',
      'demo-token-jordan',
      '--data-dir',
      join(temporaryFolder(), 'companion'),
    ]);
    headless.child.stdin!.end();
    await headless.waitForStderr((line) => line.startsWith('Connected'), 'connected');
    expect(headless.stderr.filter((line) => line === tokenOnCommandLineWarning)).toHaveLength(1);
    const commandLine = commandLineOf(headless.child.pid);
    if (commandLine === null) context.skip('No /proc here to read a process’s arguments from.');
    expect(commandLine).toContain('demo-token-jordan');
  });
});
