import { Variant } from '@jellybrick/dbus-next';
import {
  maximumPopupActions,
  type NotifierCapabilities,
  type PopupCloseReason,
  type PopupContent,
} from '../../ports';
import { bodyLimits, sanitizeNotificationText, titleLimits } from '../sanitize';

/**
 * The freedesktop Desktop Notifications specification as the D-Bus adapter speaks it: names,
 * the `Notify` arguments for a pop-up, what `GetCapabilities` means, the reasons of
 * `NotificationClosed`. No bus here: plain values in, plain values out.
 */

export const notificationsName = 'org.freedesktop.Notifications';
export const notificationsPath = '/org/freedesktop/Notifications';
export const notificationsInterface = 'org.freedesktop.Notifications';

/** The action key the specification reserves for a click on the pop-up itself. */
export const defaultActionKey = 'default';

/** The arguments of `Notify` (signature `susssasa{sv}i`), in order. */
export type NotifyArguments = [
  appName: string,
  replacesId: number,
  appIcon: string,
  summary: string,
  body: string,
  actions: string[],
  hints: Record<string, Variant>,
  expireTimeout: number,
];

export const notifySignature = 'susssasa{sv}i';

/** What the daemon said of itself (`GetCapabilities`, `GetServerInformation`). */
export interface DaemonFacts {
  capabilities: readonly string[];
  name: string;
  version: string;
}

/** The port's capabilities for a daemon with these `GetCapabilities` strings. */
export function capabilitiesOf(capabilities: readonly string[]): NotifierCapabilities {
  const actions = capabilities.includes('actions');
  return {
    actions,
    // The click is the "default" action: reported only by a daemon that takes actions.
    click: actions,
    // CloseNotification, replaces_id, NotificationClosed and expire_timeout 0 are not optional
    // in the specification: every daemon has them.
    close: true,
    replace: 'inPlace',
    closedEvents: true,
    stayUntilClosed: true,
    persistence: capabilities.includes('persistence'),
  };
}

/** What the daemon reports in `NotificationClosed`, in the port's words. */
export function closeReasonOf(code: number): PopupCloseReason {
  switch (code) {
    case 1:
      return 'expired';
    case 2:
      return 'dismissed';
    case 3:
      return 'closedByApp';
    default:
      return 'unknown';
  }
}

/** Markup in a body (where the daemon reads it): `&`, `<` and `>` become entities. */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const urgencyLevels = { low: 0, normal: 1, critical: 2 } as const;

/**
 * `Notify`'s arguments for a pop-up: text sanitised (and the body escaped where the daemon
 * reads markup; the summary is plain text in the specification), buttons only where the daemon
 * takes actions — always with the `default` action then, so a click is reported — and the
 * urgency, category and desktop-entry hints. Returns the action keys it put on the pop-up.
 */
export function notifyArguments(
  content: PopupContent,
  options: {
    appName: string;
    replacesId: number;
    facts: Pick<DaemonFacts, 'capabilities'>;
    desktopEntry: string | null;
  },
): { arguments: NotifyArguments; actionIds: string[] } {
  const { capabilities } = options.facts;
  const summary = sanitizeNotificationText(content.title, titleLimits) || options.appName;
  const plain = sanitizeNotificationText(content.body, bodyLimits);
  const body = capabilities.includes('body-markup') ? escapeMarkup(plain) : plain;
  const buttons = capabilities.includes('actions')
    ? (content.actions ?? [])
        .filter((action) => action.id !== defaultActionKey)
        .slice(0, maximumPopupActions)
    : [];
  const actions = capabilities.includes('actions')
    ? [
        defaultActionKey,
        'Open',
        ...buttons.flatMap((action) => [
          action.id,
          sanitizeNotificationText(action.label, titleLimits),
        ]),
      ]
    : [];
  const hints: Record<string, Variant> = {
    urgency: new Variant('y', urgencyLevels[content.urgency ?? 'normal']),
  };
  if (content.category) hints['category'] = new Variant('s', content.category);
  if (options.desktopEntry) hints['desktop-entry'] = new Variant('s', options.desktopEntry);
  const expiry = content.expiry ?? 'default';
  const expireTimeout = expiry === 'default' ? -1 : expiry === 'never' ? 0 : Math.max(1, expiry);
  return {
    arguments: [
      options.appName,
      options.replacesId,
      '',
      summary,
      body,
      actions,
      hints,
      Math.trunc(expireTimeout),
    ],
    actionIds: buttons.map((action) => action.id),
  };
}

/** "1.9.0 (2022-06-27)" → [1, 9, 0]; what cannot be read is 0. */
export function versionNumbers(version: string): [number, number, number] {
  const [major, minor, patch] = (/(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version) ?? []).slice(1);
  return [Number(major ?? 0), Number(minor ?? 0), Number(patch ?? 0)];
}
