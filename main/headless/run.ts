import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appliedPolicy } from '../../common';
import type { Companion } from '../core/companion-api';
import {
  chooseNotifier,
  createNodeNotifier,
  DbusNotifier,
  sessionBusAddress,
} from '../core/delivery';
import { policyNotices, readManagedPolicy } from '../core/policy';
import { createSystemClock, type Logger, type NotifierPort } from '../core/ports';
import { demoSignIns, startDemoService, type DemoService } from './demo-service';
import { formatSummary, summarize } from './demo-summary';
import { signIn, type PersonOutput, type SignedInPerson } from './person';
import { createFileRecordingNotifier } from './recording-notifier';
import {
  defaultDataDir,
  OptionsError,
  parseHeadlessOptions,
  usage,
  type HeadlessOptions,
} from './options';
import { formatHealth } from './printer';

export interface HeadlessIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** All of standard input: read only for `--token-stdin`. */
  readStdin: () => string;
}

export interface RunningHeadless {
  /** The companion of the person signed in (in the demo, the agent). */
  companion: Companion;
  /** Everyone signed in: one person, or the demo's agent and manager. */
  people: SignedInPerson[];
  options: HeadlessOptions;
  demo: DemoService | null;
  stop(): Promise<void>;
}

const levels = ['error', 'warn', 'info'] as const;

/**
 * Log lines on stderr. Errors by default; RINGSIDE_LOG=warn or info for more. Health and
 * connection changes are printed as sentences anyway, so the default stays quiet.
 */
export function createStderrLogger(
  write: (line: string) => void,
  level: string | undefined,
): Logger {
  const threshold = Math.max(0, levels.indexOf((level ?? 'error') as (typeof levels)[number]));
  const line =
    (name: (typeof levels)[number]) => (message: string, fields?: Record<string, unknown>) => {
      if (levels.indexOf(name) > threshold) return;
      write(`[${name}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
    };
  return { error: line('error'), warn: line('warn'), info: line('info') };
}

/**
 * The pop-up recorder of the kill -9 loop (`RINGSIDE_NOTIFIER_RECORD=<file>`), a test hook like
 * the Electron shell's: honoured only with `RINGSIDE_TEST_HOOKS=1`, so a stray variable in a
 * person's environment cannot swallow their notifications into a file.
 */
export function recordingNotifierFrom(
  environment: Record<string, string | undefined>,
  stderr: (line: string) => void,
): NotifierPort | null {
  const recordTo = environment['RINGSIDE_NOTIFIER_RECORD'];
  if (!recordTo) return null;
  if (environment['RINGSIDE_TEST_HOOKS'] !== '1') {
    stderr('RINGSIDE_NOTIFIER_RECORD is a test hook: ignored without RINGSIDE_TEST_HOOKS=1.');
    return null;
  }
  return createFileRecordingNotifier(recordTo);
}

/**
 * The OS notifier for this machine, as `chooseNotifier` says: the D-Bus adapter on Linux with a
 * session bus, node-notifier elsewhere (see the table in README.md).
 */
export function headlessNotifier(
  environment: Record<string, string | undefined>,
  logger: Logger,
  platform: NodeJS.Platform = process.platform,
): NotifierPort {
  const busAddress = sessionBusAddress(environment);
  const choice = chooseNotifier({ platform, shell: 'headless', sessionBusAddress: busAddress });
  logger.info('Notifier', { ...choice });
  return choice.kind === 'dbus'
    ? new DbusNotifier({ busAddress, appName: 'Ringside', logger, environment })
    : createNodeNotifier({ appName: 'Ringside', logger, environment });
}

/**
 * The headless companion: the same core as the desktop shell, in plain Node. Prints each
 * decision (readable on the user's clock, or `--json`), raises real OS notifications (over
 * D-Bus on Linux), and with no service configured starts the stand-in service with the demo
 * business, signs in its agent and its manager, plays the demo and sums it up.
 */
export async function runHeadless(
  argv: readonly string[],
  environment: Record<string, string | undefined>,
  io: HeadlessIo,
  overrides: { notifier?: NotifierPort } = {},
): Promise<RunningHeadless | null> {
  let parsed: HeadlessOptions | 'help';
  try {
    parsed = parseHeadlessOptions(argv, environment, { readStdin: io.readStdin });
  } catch (error) {
    if (error instanceof OptionsError) {
      // One sentence: a command-line mistake names itself and points to --help.
      io.stderr(error.message);
      process.exitCode = 2;
      return null;
    }
    throw error;
  }
  if (parsed === 'help') {
    io.stdout(usage);
    return null;
  }
  const options = parsed;
  for (const warning of options.warnings) io.stderr(warning);
  const logger = createStderrLogger(io.stderr, environment['RINGSIDE_LOG']);
  // The managed policy, before anything connects: whole or, when invalid, not at all.
  const reading = await readManagedPolicy({
    platform: process.platform,
    file: options.policyFile,
  });
  const policy = appliedPolicy(reading);
  const policyHealth = policyNotices(reading);
  for (const notice of policyHealth) io.stderr(formatHealth(notice));
  // The organisation's service wins over the person's own choice (policy > user).
  const serviceUrl = policy?.serviceUrl ?? options.serviceUrl;
  if (serviceUrl !== null && options.token === null) {
    io.stderr(
      `The managed policy sets the service ${serviceUrl} but no token is given: pipe it to --token-stdin, set RINGSIDE_TOKEN, or use --config.`,
    );
    process.exitCode = 2;
    return null;
  }
  let demo: DemoService | null = null;
  let demoFolder: string | null = null;
  const clock = createSystemClock();
  const notifierFor = () =>
    overrides.notifier ??
    recordingNotifierFrom(environment, io.stderr) ??
    headlessNotifier(environment, logger);
  const output: PersonOutput = {
    stdout: io.stdout,
    stderr: io.stderr,
    json: options.json,
    explain: options.explain,
    labelledZone: { current: null },
  };
  const people: SignedInPerson[] = [];
  const notifiers: NotifierPort[] = [];
  const tokens = new Map<SignedInPerson, { token: string; who: string }>();
  if (serviceUrl === null) {
    if (!options.demo) {
      io.stderr(
        'No service configured: pass --service-url and pipe the token to --token-stdin (or set RINGSIDE_SERVICE_URL and RINGSIDE_TOKEN, or use --config), or drop --no-demo to run the demo.',
      );
      process.exitCode = 2;
      return null;
    }
    const folder = mkdtempSync(join(tmpdir(), 'ringside-demo-'));
    demoFolder = folder;
    demo = await startDemoService(folder);
    io.stderr(
      `No service configured: started the stand-in service with the demo business on ${demo.url}. Signed in as ${demoSignIns.map((signIn) => signIn.who).join(' and ')}; each line names whose it is. Data in ${options.dataDir ?? folder}.`,
    );
    for (const [index, demoSignIn] of demoSignIns.entries()) {
      const notifier = notifierFor();
      notifiers.push(notifier);
      const person = signIn(
        {
          name: demoSignIn.firstName,
          // The agent keeps the folder one sign-in uses (--data-dir); the manager's sits beside.
          dataDir:
            index === 0
              ? (options.dataDir ?? join(folder, 'companion'))
              : options.dataDir
                ? `${options.dataDir}-${demoSignIn.key}`
                : join(folder, demoSignIn.key),
          serviceUrl: demo.url,
          token: demoSignIn.token,
          notifier,
          clock,
          logger,
          policy,
          notices: policyHealth,
        },
        output,
      );
      people.push(person);
      tokens.set(person, { token: demoSignIn.token, who: demoSignIn.who });
    }
  } else {
    const notifier = notifierFor();
    notifiers.push(notifier);
    people.push(
      signIn(
        {
          name: null,
          dataDir: options.dataDir ?? defaultDataDir(environment),
          serviceUrl,
          token: options.token ?? '',
          notifier,
          clock,
          logger,
          policy,
          notices: policyHealth,
          ...(options.deviceName === null ? {} : { deviceName: options.deviceName }),
        },
        output,
      ),
    );
  }
  const [first] = people;
  if (!first) throw new Error('Nobody to sign in');
  await Promise.all(people.map((person) => person.start()));
  if (first.companion.connection.get().status === 'refused') process.exitCode = 3;
  if (demo) {
    const running = demo;
    const serviceUrl = demo.url;
    let played = false;
    const everyoneConnected = () =>
      people.every((person) => person.companion.connection.get().status === 'connected');
    const playOnce = () => {
      if (played || !everyoneConnected()) return;
      played = true;
      io.stderr('Playing the demo scenario: notifications follow within seconds.');
      void running
        .play(options.demoSpeed)
        .then(async () => {
          io.stderr('The demo scenario has played.');
          const summaries = await Promise.all(
            people.map((person) => {
              const signedIn = tokens.get(person);
              return summarize(person, signedIn?.who ?? '', serviceUrl, signedIn?.token ?? '');
            }),
          );
          io.stdout(
            options.json ? JSON.stringify({ summary: summaries }) : formatSummary(summaries),
          );
        })
        .catch((error: unknown) =>
          logger.error('The demo summary failed', {
            error: error instanceof Error ? error.message : String(error),
          }),
        );
    };
    for (const person of people) {
      const unsubscribe = person.companion.connection.subscribe(() => {
        playOnce();
        if (played) unsubscribe();
      });
    }
    playOnce();
  }
  return {
    companion: first.companion,
    people,
    options,
    demo,
    async stop() {
      await Promise.all(people.map((person) => person.companion.stop()));
      for (const notifier of notifiers) {
        if (notifier instanceof DbusNotifier) notifier.dispose();
      }
      await demo?.stop();
      // The demo's data is throwaway: the next demo starts fresh.
      if (demoFolder && options.dataDir === null)
        rmSync(demoFolder, { recursive: true, force: true });
    },
  };
}
