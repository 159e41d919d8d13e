import {
  defaultUserPreferences,
  describeCatchUp,
  type ActivityItem,
  type HealthNotice,
  type ManagedPolicy,
} from '../../common';
import { createCompanion } from '../core/companion';
import type { Companion } from '../core/companion-api';
import type { Clock, Logger, NotifierPort } from '../core/ports';
import { timesLabel } from './clock';
import { decisionLine, formatConnection, formatDecision, formatHealth } from './printer';

/** Where decision lines and status sentences go, shared by everyone signed in. */
export interface PersonOutput {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  json: boolean;
  explain: boolean;
  /** The zone the last label named: the readable lines are labelled once, before the first. */
  labelledZone: { current: string | null };
}

/** One person signed in: their companion, and what was printed for them. */
export interface SignedInPerson {
  /** First name in each line when more than one person is signed in; null when alone. */
  name: string | null;
  companion: Companion;
  /** Every decision printed for this person, latest version per event (updates replace). */
  printed: Map<string, ActivityItem>;
  /** Called with each event id once its decision is printed. */
  onPrinted(listener: (eventId: string) => void): () => void;
  /** The time zone of this person's preferences (UTC until they are known, as the describer). */
  timeZone(): string;
  /** Starts the companion, then says the health notices it holds (once each). */
  start(): Promise<void>;
}

export interface PersonOptions {
  name: string | null;
  dataDir: string;
  serviceUrl: string;
  token: string;
  notifier: NotifierPort;
  clock: Clock;
  logger: Logger;
  /** The managed policy read at start, or null (main/core/policy). */
  policy: ManagedPolicy | null;
  /** Notices already said before the companion started (the policy's): not said again. */
  notices: readonly HealthNotice[];
  /** `--device-name`; default the host name (the core's). */
  deviceName?: string;
}

/**
 * Starts the companion for one person and prints, from its records, each decision (readable on
 * the user's clock, or `--json`), its connection states and health notices. With two people
 * (the demo's agent and manager) each line names whose it is.
 */
export function signIn(options: PersonOptions, output: PersonOutput): SignedInPerson {
  const companion = createCompanion({
    dataDir: options.dataDir,
    serviceUrl: options.serviceUrl,
    token: options.token,
    notifier: options.notifier,
    clock: options.clock,
    logger: options.logger,
    notices: options.notices,
    policy: options.policy,
    ...(options.deviceName === undefined ? {} : { deviceName: options.deviceName }),
  });
  const name = options.name;
  const printed = new Map<string, ActivityItem>();
  const listeners = new Set<(eventId: string) => void>();
  const timeZone = () =>
    (companion.preferences.get()?.preferences ?? defaultUserPreferences()).timeZone;
  const print = (item: ActivityItem, updated: boolean) => {
    const format = {
      explain: output.explain,
      timeZone: timeZone(),
      updated,
      ...(name === null ? {} : { person: name }),
    };
    if (!output.json && output.labelledZone.current !== format.timeZone) {
      output.stdout(timesLabel(format.timeZone, output.labelledZone.current));
      output.labelledZone.current = format.timeZone;
    }
    output.stdout(
      output.json ? JSON.stringify(decisionLine(item, format)) : formatDecision(item, format),
    );
    printed.set(item.eventId, item);
    for (const listener of [...listeners]) listener(item.eventId);
  };
  companion.onDecision((item) => print(item, false));
  companion.onActivityUpdated((item) => print(item, true));
  // Headless has no window and no softphone: what a click or "Call back" would open is printed
  // (never xdg-open: a tel: handler would run with no check of what it is).
  const whose = name === null ? '' : `${name}: `;
  companion.onOpenItem((itemId) =>
    output.stdout(`${whose}Pop-up clicked: would open item ${itemId}`),
  );
  companion.onCallBack(({ number }) =>
    output.stdout(`${whose}Call back pressed: would open the softphone on tel:${number}`),
  );
  const status = (line: string) => output.stderr(name === null ? line : `${name}: ${line}`);
  const told = new Set<HealthNotice['code']>(options.notices.map((notice) => notice.code));
  const tell = (notices: readonly HealthNotice[]) => {
    // A notice that went away (writes succeed again) is said again if it comes back.
    for (const code of [...told]) {
      if (!notices.some((notice) => notice.code === code)) told.delete(code);
    }
    for (const notice of notices) {
      // Said once, clearly: the companion keeps printing decisions without pop-ups.
      if (told.has(notice.code)) continue;
      told.add(notice.code);
      status(formatHealth(notice));
    }
  };
  companion.health.subscribe(tell);
  // A catch-up's progress on stderr: its start, then at most every 2 s (a terminal, not a log).
  let progressPrintedAt = Number.NEGATIVE_INFINITY;
  companion.catchUp.subscribe((progress) => {
    if (progress === null) {
      progressPrintedAt = Number.NEGATIVE_INFINITY;
      return;
    }
    if (options.clock.now() - progressPrintedAt < 2_000) return;
    progressPrintedAt = options.clock.now();
    status(describeCatchUp(progress));
  });
  // A change made on another of this user's devices, said once (the window's notice).
  let deviceChangeAt = companion.preferences.get()?.deviceChange?.at ?? null;
  companion.preferences.subscribe((snapshot) => {
    const change = snapshot?.deviceChange;
    if (!change || change.at === deviceChangeAt) return;
    deviceChangeAt = change.at;
    for (const sentence of change.sentences) status(sentence);
  });
  let lastStatus = '';
  companion.connection.subscribe((state) => {
    // The countdown ticks every second; print each state once, not each tick.
    const key = state.status === 'reconnecting' ? `${state.status}:${state.attempt}` : state.status;
    if (key === lastStatus) return;
    lastStatus = key;
    status(formatConnection(state));
  });
  return {
    name,
    companion,
    printed,
    onPrinted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    timeZone,
    async start() {
      await companion.start();
      tell(companion.health.get());
    },
  };
}
