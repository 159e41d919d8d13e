import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import nodeNotifier from 'node-notifier';
import { Listeners, neverDoNotDisturb } from '../notifier-helpers';
import {
  ObservableValue,
  showOnlyCapabilities,
  type Logger,
  type NotifierAvailability,
  type NotifierPort,
  type PopupContent,
  type PopupResult,
} from '../ports';
import { bodyLimits, sanitizeNotificationText, titleLimits } from './sanitize';

export interface NodeNotifierOptions {
  /** Shown by the daemon as the sender. Default "Ringside". */
  appName?: string;
  logger?: Logger;
  /** The notify-send command, looked up on PATH unless it contains a slash. */
  notifySendCommand?: string;
  /** Environment the probe looks at (PATH, DBUS_SESSION_BUS_ADDRESS). Default `process.env`. */
  environment?: NodeJS.ProcessEnv;
  /**
   * How long a pop-up stays up; default -1, the daemon's own setting (what the person chose for
   * every app), rather than node-notifier's fixed 10 s.
   */
  expireMilliseconds?: number;
  /** A pop-up not handed off within this long counts as failed. Default 10 s. */
  showTimeoutMilliseconds?: number;
}

type ProbeResult = { available: true } | { available: false; reason: string };

interface CommandResult {
  ok: boolean;
  stdout: string;
  /** The command does not exist (ENOENT). */
  missing: boolean;
  error: string;
}

function run(
  command: string,
  args: readonly string[],
  environment: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { env: environment, timeout: 5_000, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ ok: true, stdout: String(stdout), missing: false, error: '' });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        const detail = String(stderr).trim() || error.message;
        resolve({ ok: false, stdout: String(stdout), missing: code === 'ENOENT', error: detail });
      },
    );
  });
}

/** The executable `command` resolves to on the environment's PATH, or null. */
async function findOnPath(command: string, environment: NodeJS.ProcessEnv): Promise<string | null> {
  const candidates = command.includes('/')
    ? [command]
    : (environment['PATH'] ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((folder) => join(folder, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here: the next folder of PATH.
    }
  }
  return null;
}

/**
 * Asks the session bus whether a notification daemon is there (running, or started on demand),
 * with dbus-send or else gdbus. Returns null when neither tool can answer.
 */
async function hasNotificationDaemon(environment: NodeJS.ProcessEnv): Promise<boolean | null> {
  const busMethod = async (method: string): Promise<string | null> => {
    const dbusSend = await run(
      'dbus-send',
      [
        '--session',
        '--dest=org.freedesktop.DBus',
        '--type=method_call',
        '--print-reply',
        '/org/freedesktop/DBus',
        `org.freedesktop.DBus.${method}`,
        ...(method === 'NameHasOwner' ? ['string:org.freedesktop.Notifications'] : []),
      ],
      environment,
    );
    if (dbusSend.ok) return dbusSend.stdout;
    const gdbus = await run(
      'gdbus',
      [
        'call',
        '--session',
        '--dest',
        'org.freedesktop.DBus',
        '--object-path',
        '/org/freedesktop/DBus',
        '--method',
        `org.freedesktop.DBus.${method}`,
        ...(method === 'NameHasOwner' ? ['org.freedesktop.Notifications'] : []),
      ],
      environment,
    );
    if (gdbus.ok) return gdbus.stdout;
    if (dbusSend.missing && gdbus.missing) return null;
    throw new Error(dbusSend.missing ? gdbus.error : dbusSend.error);
  };
  const owner = await busMethod('NameHasOwner');
  if (owner === null) return null;
  if (/\btrue\b/.test(owner)) return true;
  const activatable = await busMethod('ListActivatableNames');
  return activatable?.includes('org.freedesktop.Notifications') ?? null;
}

/** Whether the daemon reads the body as markup (then `&` and `<` must be escaped). */
async function readsBodyMarkup(environment: NodeJS.ProcessEnv): Promise<boolean> {
  const reply = await run(
    'dbus-send',
    [
      '--session',
      '--dest=org.freedesktop.Notifications',
      '--type=method_call',
      '--print-reply',
      '/org/freedesktop/Notifications',
      'org.freedesktop.Notifications.GetCapabilities',
    ],
    environment,
  );
  // Most daemons read markup; escaping for one that does not shows "&amp;", the safer mistake.
  return reply.ok ? reply.stdout.includes('"body-markup"') : true;
}

function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** notify-send would read a leading "-" as an option: show a hyphen (U+2010) instead. */
function notOption(text: string): string {
  return text.startsWith('-') ? `\u2010${text.slice(1)}` : text;
}

/**
 * Linux: checks that pop-ups can work at all — notify-send on PATH and answering `--version`, a
 * session D-Bus, a notification daemon owning (or activatable as) org.freedesktop.Notifications.
 * Never throws: every failure is a reason a person can act on.
 */
async function probeLinux(
  command: string,
  environment: NodeJS.ProcessEnv,
): Promise<ProbeResult & { markup?: boolean }> {
  const binary = await findOnPath(command, environment);
  if (binary === null) {
    return {
      available: false,
      reason: `${command} was not found on PATH (install the libnotify-bin package)`,
    };
  }
  const version = await run(binary, ['--version'], environment);
  if (!version.ok) {
    return { available: false, reason: `${command} does not run: ${version.error}` };
  }
  if (!environment['DBUS_SESSION_BUS_ADDRESS']) {
    return {
      available: false,
      reason: 'there is no session D-Bus (DBUS_SESSION_BUS_ADDRESS is not set)',
    };
  }
  let daemon: boolean | null;
  try {
    daemon = await hasNotificationDaemon(environment);
  } catch (error) {
    return {
      available: false,
      reason: `the session D-Bus does not answer: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (daemon === false) {
    return {
      available: false,
      reason:
        'no notification daemon is running on the session D-Bus (org.freedesktop.Notifications)',
    };
  }
  return { available: true, markup: await readsBodyMarkup(environment) };
}

/**
 * The NotifierPort over node-notifier: notify-send on Linux (clicks are not reported there),
 * the platform notifier elsewhere (clicks routed to `onClick` with the item id). It can only
 * show: no close, no replace in place (`replace` shows a new pop-up), no buttons, and it reads no
 * system do-not-disturb — its `capabilities` say so. Text is sanitised again here, whatever the
 * caller did.
 */
export function createNodeNotifier(options: NodeNotifierOptions = {}): NotifierPort {
  const appName = options.appName ?? 'Ringside';
  const command = options.notifySendCommand ?? 'notify-send';
  const environment = options.environment ?? process.env;
  const timeout = options.showTimeoutMilliseconds ?? 10_000;
  // A string, so node-notifier passes it on as milliseconds instead of multiplying seconds.
  const expireTime = String(Math.trunc(options.expireMilliseconds ?? -1));
  const linux = process.platform === 'linux' || /bsd$/i.test(process.platform);
  const clicks = new Listeners<string>();
  const availability = new ObservableValue<NotifierAvailability | null>(null);
  let shownCount = 0;
  let probed: Promise<ProbeResult & { markup?: boolean }> | null = null;

  const probe = () => {
    probed ??= linux
      ? probeLinux(command, environment).catch((error: unknown) => ({
          available: false as const,
          reason: `the notification check failed: ${String(error)}`,
        }))
      : Promise.resolve({ available: true as const });
    return probed;
  };

  const showLinux = (content: PopupContent, markup: boolean) =>
    new Promise<PopupResult>((resolve) => {
      const title = notOption(sanitizeNotificationText(content.title, titleLimits)) || appName;
      const plain = notOption(sanitizeNotificationText(content.body, bodyLimits)) || ' ';
      const notification: Record<string, string> = {
        title,
        message: markup ? escapeMarkup(plain) : plain,
        'app-name': appName,
        // Never "until closed" (`expiry: 'never'`): notify-send cannot close what it showed.
        'expire-time': typeof content.expiry === 'number' ? String(content.expiry) : expireTime,
        urgency: content.urgency ?? 'normal',
        ...(content.category ? { category: content.category } : {}),
      };
      // suppressOsdCheck: the probe above already found notify-send.
      const notifier = new nodeNotifier.NotifySend({ suppressOsdCheck: true } as never);
      notifier.notify(notification, (error) => {
        // notify-send's stderr arrives as `error`: an empty string means it went through.
        if (error) resolve({ shown: false, reason: String(error).trim() || 'notify-send failed' });
        else resolve({ shown: true, handle: nextHandle() });
      });
    });

  const showElsewhere = (content: PopupContent) =>
    new Promise<PopupResult>((resolve) => {
      nodeNotifier.notify(
        {
          title: sanitizeNotificationText(content.title, titleLimits),
          message: sanitizeNotificationText(content.body, bodyLimits) || ' ',
          wait: true,
        },
        (error, response) => {
          if (!error && /activate|click/i.test(response)) clicks.emit(content.itemId);
        },
      );
      resolve({ shown: true, handle: nextHandle() });
    });

  const nextHandle = () => {
    shownCount += 1;
    return { id: `node-notifier:${shownCount}` };
  };

  const show = async (content: PopupContent): Promise<PopupResult> => {
    const state = await probe();
    if (!state.available) return { shown: false, reason: state.reason };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<PopupResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ shown: false, reason: `no answer within ${timeout} ms` }),
        timeout,
      );
    });
    try {
      const shown = linux ? showLinux(content, state.markup ?? true) : showElsewhere(content);
      return await Promise.race([shown, timedOut]);
    } catch (error) {
      return { shown: false, reason: String(error) };
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    probe: async () => {
      const result = await probe();
      if (!result.available) options.logger?.warn('Pop-ups unavailable', { reason: result.reason });
      const answer: NotifierAvailability = result.available ? { available: true } : result;
      availability.set(answer);
      return answer;
    },
    availability,
    // Clicks come back from the platform notifiers of macOS and Windows, never from notify-send.
    capabilities: new ObservableValue({ ...showOnlyCapabilities, click: !linux }),
    systemDoNotDisturb: neverDoNotDisturb(),
    show,
    // notify-send can neither replace nor close: the new words are a new pop-up.
    replace: (_handle, content) => show(content),
    close: () => Promise.resolve(),
    onClick: (listener) => clicks.add(listener),
    onAction: () => () => undefined,
    onClosed: () => () => undefined,
  };
}
