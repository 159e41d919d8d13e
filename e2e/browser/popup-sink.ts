import { execFileSync } from 'node:child_process';
import type { NotifierPort, PopupContent, PopupResult } from '../../main/core/ports';

/**
 * The pop-up sink: a recording NotifierPort (a FAKE at the edge that cannot run headless) that
 * keeps every pop-up the core raised. In a desktop session (RINGSIDE_DESKTOP_SESSION=1, see
 * tools/with-desktop.sh) it also forwards each pop-up to the real notifier, so the daemon shows it.
 */
export interface PopupSink extends NotifierPort {
  readonly shown: PopupContent[];
  /** 'recording sink' or 'notification daemon (dunst)': where pop-ups went, for the report. */
  readonly where: string;
  /** What the OS reports when the user clicks the pop-up for `itemId` (as a daemon would). */
  click(itemId: string): void;
  /** Resolves with the first pop-up (past or future) that matches. */
  waitFor(
    predicate: (content: PopupContent) => boolean,
    timeoutMilliseconds?: number,
  ): Promise<PopupContent>;
}

export function createPopupSink(real: NotifierPort | null): PopupSink {
  const shown: PopupContent[] = [];
  const waiters = new Set<{
    predicate: (content: PopupContent) => boolean;
    resolve: (content: PopupContent) => void;
  }>();
  const clickListeners: Array<(itemId: string) => void> = [];
  real?.onClick((itemId) => {
    for (const listener of clickListeners) listener(itemId);
  });
  return {
    shown,
    where: real
      ? 'notification daemon (dunst), also recorded'
      : 'recording sink (no desktop session)',
    async probe() {
      return real ? real.probe() : { available: true };
    },
    async show(content: PopupContent): Promise<PopupResult> {
      const result = real ? await real.show(content) : ({ shown: true } as const);
      if (result.shown) {
        shown.push(content);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(content)) {
            waiters.delete(waiter);
            waiter.resolve(content);
          }
        }
      }
      return result;
    },
    onClick(listener) {
      clickListeners.push(listener);
    },
    click(itemId) {
      for (const listener of clickListeners) listener(itemId);
    },
    waitFor(predicate, timeoutMilliseconds = 15_000) {
      const found = shown.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error('No such pop-up was raised'));
        }, timeoutMilliseconds).unref();
      });
    },
  };
}

/** Bodies and summaries in dunst's history (`dunstctl history`), or null outside a desktop session. */
export function dunstHistory(): string[] | null {
  if (process.env['RINGSIDE_DESKTOP_SESSION'] !== '1') return null;
  const output = execFileSync('dunstctl', ['history'], { encoding: 'utf8' });
  const parsed = JSON.parse(output) as { data?: Array<Array<Record<string, { data?: unknown }>>> };
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return (parsed.data?.[0] ?? []).map(
    (entry) => `${text(entry['summary']?.data)}\n${text(entry['body']?.data)}`,
  );
}
