import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { deviceNameSchema, parseWith } from '../../common';

/** What the headless companion runs with, after flags, environment and config file. */
export interface HeadlessOptions {
  /** null: no service configured (the demo service starts, unless `demo` is false). */
  serviceUrl: string | null;
  token: string | null;
  /** Where the token came from; null when there is none. */
  tokenSource: TokenSource | null;
  /** Sentences for stderr, said once before anything starts (a token where others can read it). */
  warnings: string[];
  /** null: the app-data folder (or a temp folder for the demo). */
  dataDir: string | null;
  json: boolean;
  explain: boolean;
  demo: boolean;
  /** Demo playback speed (2 = twice as fast). */
  demoSpeed: number;
  /** `--policy <file>`: a managed policy file read instead of the platform's (tests, trials). */
  policyFile: string | null;
  /** `--device-name <name>`: this device's name for the user's other devices; null: host name. */
  deviceName: string | null;
}

export type TokenSource = 'flag' | 'stdin' | 'environment' | 'config';

/** What the options read besides argv and the environment: the token piped in, on request. */
export interface HeadlessInput {
  /** All of standard input (only called for `--token-stdin`). */
  readStdin(): string;
}

/** Said once on stderr when the token is passed with `--token`. */
export const tokenOnCommandLineWarning =
  'Warning: --token puts your sign-in token on the command line, where other local users can read it (ps, /proc). Pipe it to --token-stdin, set RINGSIDE_TOKEN, or put it in a --config file (chmod 600) instead.';

/** A user error in the options: printed as is, exit code 2. */
export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

/** One command-line option: its name, what it takes, and the one line `--help` prints for it. */
export interface OptionRow {
  /** The long name, without the dashes. */
  name: string;
  type: 'string' | 'boolean';
  /** What a string option takes, as `--help` shows it ("<url>"). */
  value?: string;
  short?: string;
  description: string;
}

/**
 * Every option `npm run headless` (and `npm start` where it runs headless) knows. The parser
 * and `--help` both read this table: a new flag is one row here, then its use in
 * `parseHeadlessOptions` and `run.ts`.
 */
export const headlessOptionRows = [
  {
    name: 'service-url',
    type: 'string',
    value: '<url>',
    description: 'the telephony service to sign in to (env RINGSIDE_SERVICE_URL)',
  },
  {
    name: 'token-stdin',
    type: 'boolean',
    description: 'read your sign-in token from standard input (or env RINGSIDE_TOKEN)',
  },
  {
    name: 'token',
    type: 'string',
    value: '<token>',
    description: 'the token as an argument: other local users can see it (ps); avoid',
  },
  {
    name: 'data-dir',
    type: 'string',
    value: '<folder>',
    description: 'where the local database lives (env RINGSIDE_DATA_DIR)',
  },
  {
    name: 'config',
    type: 'string',
    value: '<file.json>',
    description:
      'any of serviceUrl, token, dataDir, json, explain, demo in a JSON file (keep it chmod 600)',
  },
  { name: 'json', type: 'boolean', description: 'one JSON object per decision on stdout' },
  {
    name: 'explain',
    type: 'boolean',
    description: 'add why each channel was or was not used, one sentence each',
  },
  {
    name: 'demo',
    type: 'boolean',
    description: 'with no service configured, run the demo (the default)',
  },
  {
    name: 'no-demo',
    type: 'boolean',
    description: 'with no service configured, stop instead of running the demo',
  },
  {
    name: 'demo-speed',
    type: 'string',
    value: '<n>',
    description: 'play the demo n times faster (default 1)',
  },
  {
    name: 'policy',
    type: 'string',
    value: '<file.json>',
    description:
      "read the managed policy from this file instead of the system's (/etc/ringside/policy.json; macOS managed preferences; Windows HKLM\\Software\\Policies\\Ringside)",
  },
  {
    name: 'device-name',
    type: 'string',
    value: '<name>',
    description:
      "this device's name, as your other devices say where a settings change came from (default: the host name)",
  },
  { name: 'help', type: 'boolean', short: 'h', description: 'print this list and exit' },
] as const satisfies readonly OptionRow[];

type HeadlessOptionRow = (typeof headlessOptionRows)[number];

/** The table as `node:util` `parseArgs` takes it, typed per row so each value has its type. */
type ParseArgsTable = {
  [Row in HeadlessOptionRow as Row['name']]: { type: Row['type']; short?: string };
};

function parseArgsOptions(rows: readonly HeadlessOptionRow[]): ParseArgsTable {
  const table: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const row of rows) {
    table[row.name] = 'short' in row ? { type: row.type, short: row.short } : { type: row.type };
  }
  return table as ParseArgsTable;
}

/** "  -h, --help            print this list and exit": one line per row, aligned. */
export function optionLines(rows: readonly OptionRow[]): string[] {
  const left = rows.map(
    (row) =>
      `${row.short === undefined ? '    ' : `-${row.short}, `}--${row.name}${row.value === undefined ? '' : ` ${row.value}`}`,
  );
  const width = Math.max(...left.map((words) => words.length)) + 2;
  return rows.map((row, index) => `  ${(left[index] ?? '').padEnd(width)}${row.description}`);
}

/** `npm run headless -- --help`. */
export const usage = [
  'Usage: npm run headless -- [options]',
  ...optionLines(headlessOptionRows),
  'Without a service, the stand-in service starts with the demo business and plays the demo.',
].join('\n');

/**
 * A sentence for a command line the parser refused: an unknown flag names itself and points to
 * `--help`.
 */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function commandLineError(error: unknown, helpCommand: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option ${quoted}: ${helpCommand} lists every option.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument ${quoted}: options start with --, and ${helpCommand} lists them.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = /--([a-z-]+)/.exec(quoted)?.[1] ?? '';
      const row = headlessOptionRows.find((candidate) => candidate.name === name);
      return row && 'value' in row
        ? `--${name} needs a value: --${name} ${row.value}. ${helpCommand} lists every option.`
        : `${sentence(message)} ${helpCommand} lists every option.`;
    }
    default:
      return `${sentence(message)} ${helpCommand} lists every option.`;
  }
}

/** The config file: every key optional, nothing else allowed. */
export const headlessConfigSchema = z.strictObject({
  serviceUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  token: z.string().min(1).max(512).optional(),
  dataDir: z.string().min(1).max(4096).optional(),
  json: z.boolean().optional(),
  explain: z.boolean().optional(),
  demo: z.boolean().optional(),
});
export type HeadlessConfig = z.infer<typeof headlessConfigSchema>;

const urlSchema = z.url({ protocol: /^https?$/ }).max(2000);

/**
 * A config file that holds a token must be the owner's alone: on POSIX, a group- or
 * world-readable one is named in a warning (it still works; chmod is the fix, not a refusal).
 */
function configFileWarning(path: string, config: HeadlessConfig): string | null {
  if (config.token === undefined || process.platform === 'win32') return null;
  try {
    if ((statSync(path).mode & 0o077) === 0) return null;
  } catch {
    return null;
  }
  return `Warning: the config file ${path} holds your sign-in token and other local users can read it: run chmod 600 ${path}.`;
}

function readTokenFromStdin(input: HeadlessInput): string {
  let text: string;
  try {
    text = input.readStdin();
  } catch (error) {
    throw new OptionsError(
      `--token-stdin could not read standard input: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // The first line, as `echo "$TOKEN" |` or a password manager's pipe gives it.
  const token = (text.split(/\r?\n/, 1)[0] ?? '').trim();
  if (token === '') throw new OptionsError('--token-stdin read no token from standard input.');
  if (token.length > 512) {
    throw new OptionsError('--token-stdin read more than 512 characters: not a token.');
  }
  return token;
}

function readConfig(path: string): HeadlessConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OptionsError(
      `Cannot read the config file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OptionsError(
      `The config file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = parseWith(headlessConfigSchema, json);
  if (!parsed.ok) throw new OptionsError(`The config file ${path} is invalid: ${parsed.message}`);
  return parsed.value;
}

/**
 * Flags win over environment variables, which win over the config file. The token: `--token`
 * or `--token-stdin` (one of them), else RINGSIDE_TOKEN, else the config file. Throws
 * OptionsError with a sentence a person can act on.
 */
export function parseHeadlessOptions(
  argv: readonly string[],
  environment: Record<string, string | undefined>,
  input: HeadlessInput,
): HeadlessOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: parseArgsOptions(headlessOptionRows),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new OptionsError(commandLineError(error, 'npm run headless -- --help'));
  }
  if (values.help) return 'help';
  const config = values.config ? readConfig(values.config) : {};
  const warnings: string[] = [];
  const pick = (flag: string | undefined, variable: string, fromConfig: string | undefined) => {
    const fromEnvironment = environment[variable];
    return flag ?? (fromEnvironment ? fromEnvironment : undefined) ?? fromConfig ?? null;
  };
  const serviceUrl = pick(values['service-url'], 'RINGSIDE_SERVICE_URL', config.serviceUrl);
  if (serviceUrl !== null && !urlSchema.safeParse(serviceUrl).success) {
    throw new OptionsError(`Not an http(s) URL: ${serviceUrl}`);
  }
  if (values.token !== undefined && values['token-stdin']) {
    throw new OptionsError('Pass the token one way: --token-stdin or --token, not both.');
  }
  const fromEnvironment = environment['RINGSIDE_TOKEN'] ? environment['RINGSIDE_TOKEN'] : null;
  let token: string | null;
  let tokenSource: TokenSource | null;
  if (values['token-stdin']) {
    token = readTokenFromStdin(input);
    tokenSource = 'stdin';
  } else if (values.token !== undefined) {
    token = values.token;
    tokenSource = 'flag';
    warnings.push(tokenOnCommandLineWarning);
  } else if (fromEnvironment !== null) {
    token = fromEnvironment;
    tokenSource = 'environment';
  } else if (config.token !== undefined) {
    token = config.token;
    tokenSource = 'config';
  } else {
    token = null;
    tokenSource = null;
  }
  if (tokenSource === 'config' && values.config) {
    const warning = configFileWarning(values.config, config);
    if (warning) warnings.push(warning);
  }
  if (serviceUrl !== null && token === null) {
    throw new OptionsError(
      'A service URL is set but no token: pipe it to --token-stdin, set RINGSIDE_TOKEN, or add "token" to the config file',
    );
  }
  const deviceName = values['device-name'] ?? null;
  if (deviceName !== null && !deviceNameSchema.safeParse(deviceName).success) {
    throw new OptionsError(
      `--device-name takes printable text of 1 to 64 characters, not ${JSON.stringify(deviceName)}`,
    );
  }
  const speed = Number(values['demo-speed'] ?? '1');
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new OptionsError(`--demo-speed must be a positive number, not ${values['demo-speed']}`);
  }
  return {
    serviceUrl,
    token,
    tokenSource,
    warnings,
    dataDir: pick(values['data-dir'], 'RINGSIDE_DATA_DIR', config.dataDir),
    json: values.json ?? config.json ?? false,
    explain: values.explain ?? config.explain ?? false,
    demo: values['no-demo'] ? false : (values.demo ?? config.demo ?? true),
    demoSpeed: speed,
    policyFile: values.policy ?? null,
    deviceName: deviceName === null ? null : deviceNameSchema.parse(deviceName),
  };
}

/** The per-user app-data folder, as desktop apps place it on each system. */
export function defaultDataDir(environment: Record<string, string | undefined>): string {
  switch (process.platform) {
    case 'win32':
      return join(environment['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Ringside');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Ringside');
    default:
      return join(environment['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'ringside');
  }
}
