import type { MenuItemConstructorOptions } from 'electron';
import {
  activeUntil,
  describeInstant,
  doNotDisturbChoices,
  lockOf,
  muteDurationChoices,
  type ConnectionState,
  type HealthNotice,
  type MuteDuration,
  type Mutes,
  type SettingLock,
} from '../../common';

/**
 * The tray menu as a pure function of state: the same connection, lines, mutes, clock and time
 * zone always give the same menu. The tray controller rebuilds it when any of them changes (and
 * when a mute expires); tests check each state without a tray.
 */

export interface TrayLine {
  id: string;
  name: string;
}

export interface TrayState {
  connection: ConnectionState;
  /** The lines this user receives on (from the profile); empty before sign-in. */
  lines: readonly TrayLine[];
  /** The user's mutes, or null before preferences are loaded. */
  mutes: Mutes | null;
  launchAtLogin: boolean;
  /**
   * The organisation's managed policy sets "start at login": the item shows the policy's value,
   * disabled, and does nothing (policy > user).
   */
  launchAtLoginManaged?: boolean;
  /**
   * The preferences' locks (the snapshot's): where the organisation's policy holds `mutes.lines`
   * or `mutes.doNotDisturb`, that submenu is disabled and says so, as the window does.
   */
  locks?: readonly SettingLock[];
  /** Epoch milliseconds. */
  now: number;
  timeZone: string;
  /**
   * What the person must know now (a damaged database set aside, a full disk, a reset service,
   * an invalid policy): each shown as a line under the status, as in the window.
   */
  health?: readonly HealthNotice[];
}

/** What a click asks for; the controller turns it into a Companion call or a window. */
export type TrayAction =
  | { kind: 'muteLine'; lineId: string; duration: MuteDuration }
  | { kind: 'unmuteLine'; lineId: string }
  | { kind: 'doNotDisturb'; duration: MuteDuration | null }
  | { kind: 'openNotifications' }
  | { kind: 'openSettings' }
  | { kind: 'setLaunchAtLogin'; enabled: boolean }
  | { kind: 'quit' };

/** One menu item, without Electron's click callback (that is added by `toMenuTemplate`). */
export interface TrayMenuItem {
  id: string;
  type: 'normal' | 'separator' | 'submenu' | 'checkbox';
  label: string;
  enabled: boolean;
  checked?: boolean;
  submenu?: TrayMenuItem[];
  action?: TrayAction;
}

export type TrayIconState = 'normal' | 'muted' | 'offline';

export function activeLineMute(
  mutes: Mutes | null,
  lineId: string,
  now: number,
): { until: string | null } | null {
  const mute = mutes?.lines.find((candidate) => candidate.lineId === lineId);
  return mute && activeUntil(mute.until, now) ? { until: mute.until } : null;
}

export function activeDoNotDisturb(
  mutes: Mutes | null,
  now: number,
): { until: string | null } | null {
  const doNotDisturb = mutes?.doNotDisturb;
  if (!doNotDisturb?.enabled) return null;
  return activeUntil(doNotDisturb.until, now) ? { until: doNotDisturb.until } : null;
}

/** The first line of the menu: how the live connection stands. */
export function statusLine(connection: ConnectionState): string {
  switch (connection.status) {
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return `Reconnecting in ${Math.ceil(connection.inSeconds)} s`;
    case 'offline':
      return `Offline: ${connection.reason}`;
    case 'refused':
      return `Refused: ${connection.reason}`;
  }
}

function untilText(until: string | null, state: TrayState): string {
  return until === null
    ? 'until you unmute'
    : `until ${describeInstant(Date.parse(until), state.now, state.timeZone)}`;
}

function durationItems(
  idPrefix: string,
  action: (duration: MuteDuration) => TrayAction,
  choices: ReadonlyArray<{ duration: MuteDuration; label: string }> = muteDurationChoices,
): TrayMenuItem[] {
  return choices.map(({ duration, label }) => ({
    id: `${idPrefix}:${duration}`,
    type: 'normal' as const,
    label,
    enabled: true,
    action: action(duration),
  }));
}

function separator(id: string): TrayMenuItem {
  return { id, type: 'separator', label: '', enabled: true };
}

function lineItem(line: TrayLine, state: TrayState): TrayMenuItem {
  const mute = activeLineMute(state.mutes, line.id, state.now);
  return {
    id: `mute-line:${line.id}`,
    type: 'submenu',
    label: mute ? `${line.name} (muted ${untilText(mute.until, state)})` : line.name,
    enabled: true,
    submenu: [
      ...durationItems(`mute-line:${line.id}`, (duration) => ({
        kind: 'muteLine',
        lineId: line.id,
        duration,
      })),
      separator(`mute-line:${line.id}:separator`),
      {
        id: `mute-line:${line.id}:unmute`,
        type: 'normal',
        label: 'Unmute',
        enabled: mute !== null,
        action: { kind: 'unmuteLine', lineId: line.id },
      },
    ],
  };
}

/** The wording of an item the organisation's managed policy sets (the window says the same). */
const setByOrganisationWords = 'set by your organisation';

/** "Start at login": the person's switch, or the policy's value, disabled and without an action. */
function launchAtLoginItem(state: TrayState): TrayMenuItem {
  if (state.launchAtLoginManaged === true) {
    return {
      id: 'launch-at-login',
      type: 'checkbox',
      label: `Start at login (${setByOrganisationWords})`,
      enabled: false,
      checked: state.launchAtLogin,
    };
  }
  return {
    id: 'launch-at-login',
    type: 'checkbox',
    label: 'Start at login',
    enabled: true,
    checked: state.launchAtLogin,
    action: { kind: 'setLaunchAtLogin', enabled: !state.launchAtLogin },
  };
}

/** Whether a lock holds `field`: its menu is then shown, disabled, as set by the organisation. */
function held(state: TrayState, field: string): boolean {
  return lockOf(state.locks ?? [], field) !== null;
}

/** The tray menu for this state. */
export function trayMenu(state: TrayState): TrayMenuItem[] {
  const doNotDisturb = activeDoNotDisturb(state.mutes, state.now);
  const mutesKnown = state.mutes !== null;
  const linesHeld = held(state, 'mutes.lines');
  const doNotDisturbHeld = held(state, 'mutes.doNotDisturb');
  const status: TrayMenuItem[] = [
    { id: 'status', type: 'normal', label: statusLine(state.connection), enabled: false },
  ];
  if (doNotDisturb) {
    status.push({
      id: 'status:do-not-disturb',
      type: 'normal',
      label: `Do not disturb ${untilText(doNotDisturb.until, state)}`,
      enabled: false,
    });
  }
  for (const notice of state.health ?? []) {
    status.push({
      id: `status:health:${notice.code}`,
      type: 'normal',
      // A menu line is not a page: long sentences are cut, the window has the whole one.
      label: notice.message.length > 140 ? `${notice.message.slice(0, 139)}…` : notice.message,
      enabled: false,
    });
  }
  const lines: TrayMenuItem[] =
    state.lines.length === 0
      ? [{ id: 'mute-line:none', type: 'normal', label: 'No lines yet', enabled: false }]
      : state.lines.map((line) => lineItem(line, state));
  return [
    ...status,
    separator('separator:status'),
    {
      id: 'mute-line',
      type: 'submenu',
      label: linesHeld ? `Mute line (${setByOrganisationWords})` : 'Mute line',
      enabled: mutesKnown && !linesHeld,
      submenu: lines,
    },
    {
      id: 'do-not-disturb',
      type: 'submenu',
      label: doNotDisturbHeld ? `Do not disturb (${setByOrganisationWords})` : 'Do not disturb',
      enabled: mutesKnown && !doNotDisturbHeld,
      submenu: [
        ...durationItems(
          'do-not-disturb',
          (duration) => ({ kind: 'doNotDisturb', duration }),
          doNotDisturbChoices,
        ),
        separator('do-not-disturb:separator'),
        {
          id: 'do-not-disturb:off',
          type: 'normal',
          label: 'Off',
          enabled: doNotDisturb !== null,
          action: { kind: 'doNotDisturb', duration: null },
        },
      ],
    },
    separator('separator:mutes'),
    {
      id: 'open-notifications',
      type: 'normal',
      label: 'Open notifications',
      enabled: true,
      action: { kind: 'openNotifications' },
    },
    {
      id: 'settings',
      type: 'normal',
      label: 'Settings…',
      enabled: true,
      action: { kind: 'openSettings' },
    },
    separator('separator:windows'),
    launchAtLoginItem(state),
    { id: 'quit', type: 'normal', label: 'Quit', enabled: true, action: { kind: 'quit' } },
  ];
}

/** Offline wins over muted: not receiving at all matters more than a muted line. */
export function trayIconState(state: TrayState): TrayIconState {
  if (state.connection.status !== 'connected' && state.connection.status !== 'connecting') {
    return 'offline';
  }
  const anyLineMuted = state.lines.some(
    (line) => activeLineMute(state.mutes, line.id, state.now) !== null,
  );
  return activeDoNotDisturb(state.mutes, state.now) || anyLineMuted ? 'muted' : 'normal';
}

export function trayToolTip(state: TrayState): string {
  const parts = [`Ringside: ${statusLine(state.connection)}`];
  if (activeDoNotDisturb(state.mutes, state.now)) parts.push('do not disturb');
  const muted = state.lines.filter(
    (line) => activeLineMute(state.mutes, line.id, state.now) !== null,
  ).length;
  if (muted > 0) parts.push(`${muted} line${muted === 1 ? '' : 's'} muted`);
  return parts.join(' · ');
}

/** When the menu next changes on its own (a mute or do-not-disturb ends), or null. */
export function nextMenuChange(state: TrayState): number | null {
  if (!state.mutes) return null;
  const ends = [...state.mutes.lines.map((mute) => mute.until), state.mutes.doNotDisturb.until]
    .filter((until): until is string => until !== null)
    .map((until) => Date.parse(until))
    .filter((instant) => instant > state.now);
  return ends.length === 0 ? null : Math.min(...ends);
}

/** Electron's template for the model, each action wired to `dispatch`. */
export function toMenuTemplate(
  items: readonly TrayMenuItem[],
  dispatch: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item) => {
    if (item.type === 'separator') return { id: item.id, type: 'separator' };
    const template: MenuItemConstructorOptions = {
      id: item.id,
      type: item.type,
      label: item.label,
      enabled: item.enabled,
    };
    if (item.checked !== undefined) template.checked = item.checked;
    if (item.submenu) template.submenu = toMenuTemplate(item.submenu, dispatch);
    const action = item.action;
    if (action) template.click = () => dispatch(action);
    return template;
  });
}
