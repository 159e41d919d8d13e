import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCatchUp, type ActivityItem, type HealthNotice } from '../../common';
import { createCompanion } from '../core/companion';
import type { Companion } from '../core/companion-api';
import {
  chooseNotifier,
  createNodeNotifier,
  DbusNotifier,
  sessionBusAddress,
} from '../core/delivery';
import { createSystemClock, type Logger, type NotifierPort } from '../core/ports';
import { startDemoService, type DemoService } from './demo-service';
import { createFileRecordingNotifier } from './recording-notifier';
import {
  defaultDataDir,
  OptionsError,
  parseHeadlessOptions,
  usage,
  type HeadlessOptions,
} from './options';
import { decisionLine, formatConnection, formatDecision, formatHealth } from './printer';

export interface HeadlessIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** All of standard input: read only for `--token-stdin`. */
  readStdin: () => string;
}

export interface RunningHeadless {
  companion: Companion;
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
 * decision (readable, or `--json`), raises real OS notifications (over D-Bus on Linux), and with
 * no service configured starts the stand-in service with the demo business and plays the demo.
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
      io.stderr(`${error.message}\n\n${usage}`);
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
  let demo: DemoService | null = null;
  let demoFolder: string | null = null;
  let serviceUrl = options.serviceUrl;
  let token = options.token;
  let dataDir = options.dataDir;
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
    serviceUrl = demo.url;
    token = demo.token;
    dataDir ??= join(folder, 'companion');
    io.stderr(
      `No service configured: started the stand-in service with the demo business on ${demo.url}, signed in as Jordan Park (agent). Data in ${folder}.`,
    );
  }
  dataDir ??= defaultDataDir(environment);
  const clock = createSystemClock();
  const notifier =
    overrides.notifier ??
    recordingNotifierFrom(environment, io.stderr) ??
    headlessNotifier(environment, logger);
  const companion = createCompanion({
    dataDir,
    serviceUrl,
    token: token ?? '',
    notifier,
    clock,
    logger,
  });
  const print = (item: ActivityItem, updated: boolean) =>
    io.stdout(
      options.json
        ? JSON.stringify(decisionLine(item, options.explain, updated))
        : formatDecision(item, options.explain, updated),
    );
  companion.onDecision((item) => print(item, false));
  companion.onActivityUpdated((item) => print(item, true));
  const told = new Set<HealthNotice['code']>();
  companion.health.subscribe((notices) => {
    // A notice that went away (writes succeed again) is said again if it comes back.
    for (const code of [...told]) {
      if (!notices.some((notice) => notice.code === code)) told.delete(code);
    }
    for (const notice of notices) {
      // Said once, clearly: the companion keeps printing decisions without pop-ups.
      if (told.has(notice.code)) continue;
      told.add(notice.code);
      io.stderr(formatHealth(notice));
    }
  });
  // A catch-up's progress on stderr: its start, then at most every 2 s (a terminal, not a log).
  let progressPrintedAt = Number.NEGATIVE_INFINITY;
  companion.catchUp.subscribe((progress) => {
    if (progress === null) {
      progressPrintedAt = Number.NEGATIVE_INFINITY;
      return;
    }
    if (clock.now() - progressPrintedAt < 2_000) return;
    progressPrintedAt = clock.now();
    io.stderr(describeCatchUp(progress));
  });
  let lastStatus = '';
  companion.connection.subscribe((state) => {
    // The countdown ticks every second; print each state once, not each tick.
    const key = state.status === 'reconnecting' ? `${state.status}:${state.attempt}` : state.status;
    if (key === lastStatus) return;
    lastStatus = key;
    io.stderr(formatConnection(state));
  });
  await companion.start();
  for (const notice of companion.health.get()) {
    if (!told.has(notice.code)) {
      told.add(notice.code);
      io.stderr(formatHealth(notice));
    }
  }
  if (companion.connection.get().status === 'refused') process.exitCode = 3;
  if (demo) {
    const running = demo;
    let played = false;
    const playOnce = () => {
      if (played || companion.connection.get().status !== 'connected') return;
      played = true;
      io.stderr('Playing the demo scenario: notifications follow within seconds.');
      void running.play(options.demoSpeed).then(() => io.stderr('The demo scenario has played.'));
    };
    const unsubscribe = companion.connection.subscribe(() => {
      playOnce();
      if (played) unsubscribe();
    });
    playOnce();
  }
  return {
    companion,
    options,
    demo,
    async stop() {
      await companion.stop();
      if (notifier instanceof DbusNotifier) notifier.dispose();
      await demo?.stop();
      // The demo's data is throwaway: the next demo starts fresh.
      if (demoFolder && options.dataDir === null)
        rmSync(demoFolder, { recursive: true, force: true });
    },
  };
}
