/** The notifier adapters there are (see the table in main/headless/README.md). */
export type NotifierKind = 'dbus' | 'nodeNotifier' | 'electron';

export interface NotifierChoice {
  kind: NotifierKind;
  /** Why, in a sentence for the log. */
  because: string;
}

/** Platforms whose desktops speak the freedesktop notifications interface on D-Bus. */
function freedesktop(platform: NodeJS.Platform): boolean {
  return platform === 'linux' || platform === 'freebsd' || platform === 'openbsd';
}

/**
 * Which notifier runs where, in one place:
 * - Linux (and the BSDs) with a session bus: the D-Bus adapter, headless and in the shell (it
 *   closes, replaces, reports buttons, clicks and closes, and reads do-not-disturb, where
 *   Electron's `Notification` and notify-send cannot).
 * - Linux with no session bus: node-notifier headless (its probe then says what is missing),
 *   Electron's `Notification` in the shell.
 * - macOS and Windows: node-notifier headless, Electron's `Notification` in the shell.
 */
export function chooseNotifier(facts: {
  platform: NodeJS.Platform;
  shell: 'electron' | 'headless';
  /** `sessionBusAddress(environment)`: null when there is no session bus. */
  sessionBusAddress: string | null;
}): NotifierChoice {
  const fallback: NotifierKind = facts.shell === 'electron' ? 'electron' : 'nodeNotifier';
  if (!freedesktop(facts.platform)) {
    return { kind: fallback, because: `${facts.platform} has its own notification centre` };
  }
  if (facts.sessionBusAddress === null) {
    return { kind: fallback, because: 'there is no session D-Bus' };
  }
  return { kind: 'dbus', because: 'a session D-Bus is there' };
}
