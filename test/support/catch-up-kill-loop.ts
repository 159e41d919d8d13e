import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../main/core/store';
import type { RecordedPopup } from '../../main/headless/recording-notifier';
import type { RunningService } from '../../service';
import { spawnHeadless } from './headless-child';

/**
 * The kill -9 loop over a long catch-up (test/headless-catch-up-kill-loop.test.ts): a backlog
 * of events waits on the service; the headless companion (a child process, `--json`) is started
 * and SIGKILLed at a random point of its catch-up, again and again, then run once to the end.
 * Counted across every run: in-app items lost (an alert recorded without its item), decisions
 * printed twice (an event id on two stdout lines), pop-ups twice (an item id handed to the
 * notifier twice, from the file recorder of main/headless/recording-notifier.ts), events lost.
 *
 * Kill points: the backlog mixes texts (an in-app item and a pop-up each, so their decisions are
 * printed once the catch-up's summary pop-up is out) with ended calls (no alert: printed as soon
 * as their batch commits); the parent kills after a random number of printed lines.
 */
export interface CatchUpKillLoopOptions {
  service: RunningService;
  token: string;
  userId: string;
  /** Folder for the companion's data and the pop-up record. */
  folder: string;
  events: number;
  kills: number;
  random?: () => number;
  log?: (line: string) => void;
}

export interface CatchUpKillLoopResult {
  kills: number;
  events: number;
  recorded: number;
  /** Texts recorded without their in-app item. */
  itemsLost: number;
  /** Event ids printed on more than one line, across every run. */
  printedTwice: number;
  /** Event ids never printed (a kill between a commit and its line): not a loss, counted. */
  neverPrinted: number;
  popups: number;
  popupsTwice: number;
  pendingPopups: number;
}

/** Texts from many numbers (never a high-SMS burst), every fourth event an ended call. */
function backlogEvent(index: number) {
  const from = `+1415555${String(1000 + (index % 9000)).padStart(4, '0')}`;
  return index % 4 === 3
    ? {
        kind: 'call',
        lineId: 'line-jordan',
        from,
        contactName: null,
        callId: `call-${index}`,
        state: 'ended',
      }
    : { kind: 'text', lineId: 'line-jordan', from, contactName: null, body: `Backlog ${index}` };
}

function readLines(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
    : [];
}

function eventIdOf(line: string): string | null {
  try {
    const parsed = JSON.parse(line) as { eventId?: unknown };
    return typeof parsed.eventId === 'string' ? parsed.eventId : null;
  } catch {
    // A line cut by the kill mid-write is not a decision printed.
    return null;
  }
}

function unrecorded(dataDir: string, userId: string, ids: readonly string[]): number {
  if (!existsSync(dataDir)) return ids.length;
  const store = openStore({ dataDir, userId });
  try {
    return ids.filter((id) => !store.events.has(id)).length;
  } finally {
    store.close();
  }
}

export async function runCatchUpKillLoop(
  options: CatchUpKillLoopOptions,
): Promise<CatchUpKillLoopResult> {
  const random = options.random ?? Math.random;
  const texts: string[] = [];
  const calls: string[] = [];
  for (let index = 0; index < options.events; index += 1) {
    for (const event of options.service.inject(options.userId, backlogEvent(index))) {
      (event.kind === 'call' ? calls : texts).push(event.id);
    }
  }
  options.log?.(`backlog: ${texts.length} texts, ${calls.length} ended calls`);
  const dataDir = join(options.folder, 'companion');
  const record = join(options.folder, 'popups.jsonl');
  const args = ['--service-url', options.service.url, '--data-dir', dataDir, '--json'];
  const environment = {
    RINGSIDE_TOKEN: options.token,
    RINGSIDE_TEST_HOOKS: '1',
    RINGSIDE_NOTIFIER_RECORD: record,
  };
  const printed = new Map<string, number>();
  const count = (lines: readonly string[]) => {
    for (const line of lines) {
      const id = eventIdOf(line);
      if (id !== null) printed.set(id, (printed.get(id) ?? 0) + 1);
    }
  };
  let kills = 0;
  for (let run = 0; run < options.kills; run += 1) {
    // Each ended call not recorded yet is one line of the next run's catch-up (between runs the
    // store is read; nothing else has it open).
    const callsLeft = unrecorded(dataDir, options.userId, calls);
    if (callsLeft < 2) break;
    const child = spawnHeadless(args, environment);
    await child.waitForLine('stderr', (line) => line.startsWith('Connected'), 'connected');
    // Spread over the whole catch-up: on average the kills left share what is left evenly.
    const share = Math.floor((2 * callsLeft) / (options.kills - run + 1));
    const killAfter = 1 + Math.floor(random() * Math.max(1, Math.min(share, callsLeft - 1)));
    await child.waitForLine(
      'stdout',
      () => child.stdout.length >= killAfter,
      `${killAfter} decisions`,
      120_000,
    );
    await child.kill('SIGKILL');
    kills += 1;
    count(child.stdout);
    options.log?.(`kill ${kills}: after ${child.stdout.length} lines (${killAfter} asked)`);
  }
  // One clean run: the rest of the catch-up, then a sentinel proves everything before it went by.
  const final = spawnHeadless(args, environment);
  await final.waitForLine('stderr', (line) => line.startsWith('Connected'), 'connected');
  const [sentinel] = options.service.inject(options.userId, {
    kind: 'mention',
    byName: 'Sentinel',
    conversation: 'Kill loop',
    excerpt: 'The last event',
  });
  if (!sentinel) throw new Error('The service stored no sentinel');
  await final.waitForLine('stdout', (line) => line.includes(sentinel.id), 'the sentinel', 120_000);
  await final.kill('SIGTERM');
  count(final.stdout);

  const store = openStore({ dataDir, userId: options.userId });
  let recorded: number;
  let itemsLost: number;
  let pendingPopups: number;
  try {
    const all = [...texts, ...calls];
    recorded = all.filter((id) => store.events.has(id)).length;
    const listed = new Set(store.notifications.list(1_000_000).map((item) => item.eventId));
    itemsLost = texts.filter((id) => store.events.has(id) && !listed.has(id)).length;
    pendingPopups = store.events.pendingNotifications().length;
  } finally {
    store.close();
  }
  const popupIds = readLines(record).flatMap((line) => {
    try {
      return [(JSON.parse(line) as RecordedPopup).itemId];
    } catch {
      return [];
    }
  });
  const all = [...texts, ...calls];
  return {
    kills,
    events: all.length,
    recorded,
    itemsLost,
    printedTwice: [...printed.values()].filter((times) => times > 1).length,
    neverPrinted: all.filter((id) => !printed.has(id)).length,
    popups: popupIds.length,
    popupsTwice: popupIds.length - new Set(popupIds).size,
    pendingPopups,
  };
}
