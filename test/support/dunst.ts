import { execFile } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';

/**
 * The real notification daemon of tools/with-desktop.sh (Xvfb + a session D-Bus + dunst), read
 * back with `dunstctl`: the tests that prove a pop-up reached the OS (node-notifier.test.ts,
 * test/headless-daemon.test.ts, the browser tests) share this.
 */

/** Whether this process runs inside the desktop session (`RINGSIDE_DESKTOP_SESSION=1`). */
export const desktopSession = process.env['RINGSIDE_DESKTOP_SESSION'] === '1';

export interface DunstEntry {
  id: number;
  summary: string;
  body: string;
  appname: string;
  category: string;
  /** The text as dunst laid it out (its `format`, or a rule's). */
  message: string;
  /** Microseconds on screen; 0 is "until closed". */
  timeout: number;
}

const run = promisify(execFile);

/**
 * Every notification dunst has shown, closing the ones still on screen first so that they are
 * listed too (its history holds closed ones only). `environment`: another dunst's bus
 * (`DBUS_SESSION_BUS_ADDRESS`, see private-desktop-bus.ts); default this process's.
 */
export async function dunstHistory(
  environment: NodeJS.ProcessEnv = process.env,
  options: { closeAll: boolean } = { closeAll: true },
): Promise<DunstEntry[]> {
  if (options.closeAll) await run('dunstctl', ['close-all'], { env: environment });
  const { stdout } = await run('dunstctl', ['history'], { env: environment });
  const parsed = JSON.parse(stdout) as {
    data?: Array<Array<Record<string, { data?: unknown } | undefined>>>;
  };
  const field = (entry: Record<string, { data?: unknown } | undefined>, name: string) => {
    const value = entry[name]?.data;
    return typeof value === 'string' ? value : '';
  };
  const number = (entry: Record<string, { data?: unknown } | undefined>, name: string) => {
    const value = entry[name]?.data;
    return typeof value === 'number' ? value : Number.NaN;
  };
  return (parsed.data?.[0] ?? []).map((entry) => ({
    id: number(entry, 'id'),
    summary: field(entry, 'summary'),
    body: field(entry, 'body'),
    appname: field(entry, 'appname'),
    category: field(entry, 'category'),
    message: field(entry, 'message'),
    timeout: number(entry, 'timeout'),
  }));
}

/**
 * Resolves with the first entry of dunst's history that matches. The daemon is another process
 * with no event to wait on, so this is the one place a test re-reads until a deadline.
 */
export async function waitForDunst(
  predicate: (entry: DunstEntry) => boolean,
  timeoutMilliseconds = 20_000,
): Promise<DunstEntry> {
  const deadline = Date.now() + timeoutMilliseconds;
  let last: DunstEntry[] = [];
  while (Date.now() < deadline) {
    last = await dunstHistory();
    const found = last.find(predicate);
    if (found) return found;
    await delay(100);
  }
  throw new Error(`dunst never showed the notification; history: ${JSON.stringify(last)}`);
}
