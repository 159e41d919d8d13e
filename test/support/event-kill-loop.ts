import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../main/core/store';
import type { RecordedPopup } from '../../main/headless/recording-notifier';
import type { RunningService } from '../../service';
import { spawnHeadless } from './headless-child';

/**
 * The event kill -9 loop (test/headless-kill-loop.test.ts, bench/kill-loop-events.ts): kill -9
 * the headless companion (a child process) while it processes events, start it again, and
 * repeat; then check that no event was lost (each one recorded, and every pop-up it owed handed
 * to the notifier, re-raised at a later start when a kill cut it off) and count duplicate pop-ups
 * per kill. Pop-ups are counted through the product's file-recording notifier
 * (main/headless/recording-notifier.ts: RINGSIDE_NOTIFIER_RECORD, a test hook honoured only with
 * RINGSIDE_TEST_HOOKS=1), read back in its record format (`RecordedPopup`).
 */

export interface EventKillLoopOptions {
  serviceUrl: string;
  token: string;
  userId: string;
  /** Folder for the companion's data and the pop-up record. */
  folder: string;
  iterations: number;
  eventsPerIteration: number;
  /** Emits one event for the user; resolves with its id. */
  inject: (index: number) => Promise<string>;
  random?: () => number;
  log?: (line: string) => void;
}

export interface EventKillLoopResult {
  kills: number;
  events: number;
  recorded: number;
  /** Injected events missing from the companion's store at the end (must be 0). */
  lost: string[];
  /** Pop-ups still owed at the end (must be 0). */
  pendingPopups: number;
  popups: number;
  /** Pop-ups shown again for the same item, per kill (the kill before the repeat). */
  duplicatesPerKill: number[];
  totalDuplicates: number;
}

function readPopups(path: string): RecordedPopup[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as RecordedPopup];
      } catch {
        // A line cut by the kill mid-write is not a pop-up handed off.
        return [];
      }
    });
}

export async function runEventKillLoop(
  options: EventKillLoopOptions,
): Promise<EventKillLoopResult> {
  const random = options.random ?? Math.random;
  const dataDir = join(options.folder, 'companion');
  const record = join(options.folder, 'popups.jsonl');
  const args = ['--service-url', options.serviceUrl];
  const environment = {
    RINGSIDE_TOKEN: options.token,
    RINGSIDE_TEST_HOOKS: '1',
    RINGSIDE_NOTIFIER_RECORD: record,
  };
  const injected: string[] = [];
  const segments: number[] = [0];
  let kills = 0;
  for (let iteration = 0; iteration < options.iterations; iteration += 1) {
    const child = spawnHeadless([...args, '--data-dir', dataDir, '--json'], environment);
    await child.waitForLine('stderr', (line) => line.startsWith('Connected'), 'connected');
    const before = child.stdout.length;
    const killAfter = 1 + Math.floor(random() * options.eventsPerIteration);
    // Injected without waiting, so the kill lands while the companion is mid-stream.
    const batch = Array.from({ length: options.eventsPerIteration }, (_, index) =>
      options.inject(iteration * options.eventsPerIteration + index),
    );
    await child.waitForLine(
      'stdout',
      () => child.stdout.length - before >= killAfter,
      `${killAfter} decisions`,
    );
    await child.kill('SIGKILL');
    kills += 1;
    injected.push(...(await Promise.all(batch)));
    segments.push(readPopups(record).length);
    options.log?.(`kill ${kills}: after ${killAfter} of ${options.eventsPerIteration} decisions`);
  }
  // One clean run: catch up, then a sentinel proves every earlier event was processed in order.
  const final = spawnHeadless([...args, '--data-dir', dataDir, '--json'], environment);
  await final.waitForLine('stderr', (line) => line.startsWith('Connected'), 'connected');
  const sentinel = await options.inject(-1);
  injected.push(sentinel);
  await final.waitForLine('stdout', (line) => line.includes(sentinel), 'the sentinel decision');
  await final.kill('SIGTERM');
  segments.push(readPopups(record).length);

  const store = openStore({ dataDir, userId: options.userId });
  let lost: string[];
  let pendingPopups: number;
  try {
    lost = injected.filter((id) => !store.events.has(id));
    pendingPopups = store.events.pendingNotifications().length;
  } finally {
    store.close();
  }
  const popups = readPopups(record);
  const seen = new Set<string>();
  const duplicatesPerKill: number[] = [];
  // Segment k (after kill k) holds the pop-ups of start k+1: a repeat there is owed to kill k.
  for (let segment = 0; segment + 1 < segments.length; segment += 1) {
    let duplicates = 0;
    for (const popup of popups.slice(segments[segment], segments[segment + 1])) {
      if (seen.has(popup.itemId)) duplicates += 1;
      seen.add(popup.itemId);
    }
    if (segment > 0) duplicatesPerKill.push(duplicates);
  }
  return {
    kills,
    events: injected.length,
    recorded: injected.length - lost.length,
    lost,
    pendingPopups,
    popups: popups.length,
    duplicatesPerKill,
    totalDuplicates: duplicatesPerKill.reduce((sum, value) => sum + value, 0),
  };
}

/**
 * The loop's event stream: texts and voicemails for Jordan, alternating between the personal
 * line and the Support Line, from many numbers so the pop-ups are not all one coalesced group.
 */
export function injectMixedEventFor(service: RunningService): (index: number) => Promise<string> {
  const lines = ['line-jordan', 'line-support'];
  return (index) => {
    const [event] = service.inject('user-jordan', {
      kind: index % 3 === 0 ? 'voicemail' : 'text',
      lineId: lines[Math.abs(index) % 2],
      from: `+1415555${String(1000 + (Math.abs(index) % 9000)).padStart(4, '0')}`,
      contactName: null,
      ...(index % 3 === 0
        ? { durationSeconds: 12, transcript: `Voicemail ${index}` }
        : { body: `Text ${index}` }),
    });
    if (!event) return Promise.reject(new Error('The service stored no event'));
    return Promise.resolve(event.id);
  };
}
