import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { parseManagedPolicy, type PolicyReading } from '../../../common';
import {
  managedPreferencesFile,
  plutilArguments,
  policyFromPlistJson,
} from './macos-managed-preferences';
import { parseRegQuery, policyFromRegistry, windowsPolicyKey } from './windows-registry';

/** electron-builder's `appId`: the macOS managed-preferences domain. */
export const ringsideAppId = 'com.ringside.companion';

/** Linux (and any Unix but macOS): the file an IT team pushes. */
export const linuxPolicyFile = '/etc/ringside/policy.json';

/** What a command printed and how it ended. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with arguments (no shell); the one side effect of the macOS and Windows readers. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<CommandResult>;

/** `execFile`, answering a result for a non-zero exit instead of throwing. */
export const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { encoding: 'utf8', windowsHide: true }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      resolve({ exitCode: code, stdout, stderr: stderr || (error ? error.message : '') });
    });
  });

export interface ReadPolicyOptions {
  platform: NodeJS.Platform;
  /** The app's id (`ringsideAppId`): the macOS managed-preferences domain. */
  appId?: string;
  /** A policy file to read instead of the platform's place (`--policy <path>`, tests). */
  file?: string | null;
  /** Default `runCommand`; tests pass captured output. */
  run?: CommandRunner;
  /** Whether a file exists (default `fs.access`); the macOS reader asks: plutil's exit is vague. */
  exists?: (file: string) => Promise<boolean>;
}

/**
 * Reads the managed policy from where the platform keeps it (or `file`) and judges it: no policy,
 * a policy applied whole, or an invalid one naming its field (then nothing of it applies). Never
 * throws: a policy that cannot be read is reported like an invalid one.
 */
export async function readManagedPolicy(options: ReadPolicyOptions): Promise<PolicyReading> {
  const run = options.run ?? runCommand;
  if (options.file) return readPolicyFile(options.file, { missingIsNone: false });
  switch (options.platform) {
    case 'darwin':
      return readMacPolicy(
        managedPreferencesFile(options.appId ?? ringsideAppId),
        run,
        options.exists ?? fileExists,
      );
    case 'win32':
      return readWindowsPolicy(run);
    default:
      return readPolicyFile(linuxPolicyFile, { missingIsNone: true });
  }
}

function judged(source: string, document: unknown): PolicyReading {
  const parsed = parseManagedPolicy(document);
  return parsed.ok
    ? { status: 'applied', source, policy: parsed.policy }
    : { status: 'invalid', source, problem: parsed.problem };
}

function unreadable(source: string, message: string): PolicyReading {
  return { status: 'invalid', source, problem: { field: '', message } };
}

/** A JSON policy file. A missing default file is no policy; a missing `--policy` file is an error. */
export async function readPolicyFile(
  file: string,
  options: { missingIsNone: boolean },
): Promise<PolicyReading> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.missingIsNone) return { status: 'none' };
    return unreadable(
      file,
      code === 'ENOENT'
        ? 'The file does not exist'
        : `It cannot be read (${code ?? String(error)})`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return unreadable(file, `It is not valid JSON (${(error as Error).message})`);
  }
  return judged(file, document);
}

async function readMacPolicy(
  file: string,
  run: CommandRunner,
  exists: (file: string) => Promise<boolean>,
): Promise<PolicyReading> {
  if (!(await exists(file))) return { status: 'none' };
  const result = await run('/usr/bin/plutil', plutilArguments(file));
  if (result.exitCode !== 0) {
    return unreadable(
      file,
      `plutil could not read it (${result.stderr.trim() || `exit ${result.exitCode}`})`,
    );
  }
  try {
    return judged(file, policyFromPlistJson(result.stdout));
  } catch (error) {
    return unreadable(file, `plutil printed no JSON (${(error as Error).message})`);
  }
}

async function readWindowsPolicy(run: CommandRunner): Promise<PolicyReading> {
  const result = await run('reg.exe', ['query', windowsPolicyKey, '/s']);
  // `reg query` exits 1 for a key that does not exist: no policy pushed.
  if (result.exitCode === 1 && /unable to find/i.test(result.stderr)) return { status: 'none' };
  if (result.exitCode !== 0) {
    return unreadable(
      windowsPolicyKey,
      `reg query failed (${result.stderr.trim() || `exit ${result.exitCode}`})`,
    );
  }
  return judged(windowsPolicyKey, policyFromRegistry(parseRegQuery(result.stdout)));
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
