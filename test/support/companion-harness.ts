import type { ActivityItem, HealthNotice, OutboxEntry } from '../../common';
import { createCompanion } from '../../main/core/companion';
import type { Companion, CompanionOptions } from '../../main/core/companion-api';
import { openStore } from '../../main/core/store';
import type { RunningService } from '../../service';
import { FailingStore } from './failing-store';
import { createRecordingLogger, type LoggedLine } from './recording-logger';
import { RecordingNotifier } from './recording-notifier';
import { createCondition, type Condition } from './wait-for';

/**
 * One companion (the real core, `createCompanion`) under test, with everything a fault test
 * counts: every decision told (per event id), every Activity row updated, every pop-up (a
 * `RecordingNotifier` each), every health notice seen, the log, and its store behind the storage
 * port as a `FailingStore` the test can tell to fail. Used by the exactly-once fault tests.
 */
export interface CompanionHarness {
  companion: Companion;
  notifier: RecordingNotifier;
  logger: ReturnType<typeof createRecordingLogger>;
  /** The store the core opened, as the test's fault switch (null until it is opened). */
  store(): FailingStore;
  /** How many times each event's decision was told (`onDecision`). */
  decisions: Map<string, number>;
  /** The last item told for each event, decision or update. */
  items: Map<string, ActivityItem>;
  /** How many times each event's row was updated (`onActivityUpdated`). */
  updates: Map<string, number>;
  /** Every notice code seen in `health`, in order, each time it appeared. */
  noticesSeen: Array<HealthNotice['code']>;
  /** Signalled on every commit, decision, update, pop-up and health change. */
  changed: Condition;
  /** Pop-ups handed to the notifier, by item id. */
  popupsFor(itemId: string): number;
  /** Log lines with this message. */
  logged(message: string): LoggedLine[];
}

export function startHarness(
  options: Omit<CompanionOptions, 'notifier' | 'logger' | 'openStore'>,
): CompanionHarness {
  const notifier = new RecordingNotifier();
  const logger = createRecordingLogger();
  const changed = createCondition();
  let opened: FailingStore | null = null;
  const companion = createCompanion({
    ...options,
    notifier,
    logger,
    openStore: (where) => {
      const store = new FailingStore(openStore(where));
      store.afterEachCommit(() => changed.signal());
      opened = store;
      return store;
    },
  });
  const harness: CompanionHarness = {
    companion,
    notifier,
    logger,
    store() {
      if (!opened) throw new Error('The companion has not opened its store yet');
      return opened;
    },
    decisions: new Map(),
    items: new Map(),
    updates: new Map(),
    noticesSeen: [],
    changed,
    popupsFor: (itemId) => notifier.shown.filter((popup) => popup.itemId === itemId).length,
    logged: (message) => logger.lines.filter((line) => line.message === message),
  };
  companion.onDecision((item) => {
    harness.decisions.set(item.eventId, (harness.decisions.get(item.eventId) ?? 0) + 1);
    harness.items.set(item.eventId, item);
    changed.signal();
  });
  companion.onActivityUpdated((item) => {
    harness.updates.set(item.eventId, (harness.updates.get(item.eventId) ?? 0) + 1);
    harness.items.set(item.eventId, item);
    changed.signal();
  });
  let current: Array<HealthNotice['code']> = [];
  companion.health.subscribe((notices) => {
    const codes = notices.map((notice) => notice.code);
    for (const code of codes) if (!current.includes(code)) harness.noticesSeen.push(code);
    current = codes;
    changed.signal();
  });
  const show = notifier.show.bind(notifier);
  notifier.show = async (content) => {
    const result = await show(content);
    changed.signal();
    return result;
  };
  return harness;
}

/** The figures every fault test prints: events in, recorded, shown, emailed, lost, twice. */
export interface FaultFigures {
  in: number;
  recorded: number;
  /** Decisions told (the Activity feed, stdout). */
  shown: number;
  popups: number;
  emailed: number;
  lost: number;
  twice: number;
}

/** Counts the figures of `harness` for the events `ids`, against the service's outbox. */
export function faultFigures(
  harness: CompanionHarness,
  ids: readonly string[],
  outbox: readonly OutboxEntry[],
): FaultFigures {
  const events = harness.store().events;
  const recorded = ids.filter((id) => events.has(id)).length;
  const told = ids.filter((id) => harness.decisions.has(id)).length;
  const popupIds = harness.notifier.shown.map((popup) => popup.itemId);
  const wanted = new Set(ids);
  return {
    in: ids.length,
    recorded,
    shown: told,
    popups: popupIds.filter((id) => wanted.has(id)).length,
    emailed: outbox.filter(
      (entry) => entry.channel === 'email' && entry.eventId && wanted.has(entry.eventId),
    ).length,
    lost: ids.length - recorded,
    twice:
      ids.filter((id) => (harness.decisions.get(id) ?? 0) > 1).length +
      popupIds.filter((id, index) => popupIds.indexOf(id) !== index).length,
  };
}

/** One line for the report: `name: 100 in, 100 recorded, …`. */
export function printFigures(name: string, figures: FaultFigures): void {
  process.stdout.write(
    `${name}: ${figures.in} in, ${figures.recorded} recorded, ${figures.shown} shown ` +
      `(${figures.popups} pop-ups), ${figures.emailed} emailed, ${figures.lost} lost, ` +
      `${figures.twice} twice\n`,
  );
}

/** Every outbox row of the service, for the user of `token`, oldest first. */
export async function outboxOf(service: Pick<RunningService, 'url'>, token: string) {
  const response = await fetch(`${service.url}/api/outbox?limit=1000`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { entries: OutboxEntry[] };
  return body.entries;
}
