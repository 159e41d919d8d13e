import { alertTypeLabels, channelLabels, type Channel, type UserAlertType } from '../alert-types';
import { defaultAlertChannels, defaultUserPreferences } from '../defaults';
import { lockOf } from '../locks';
import { userChannelOn } from '../preferences';
import type { RecipientContext } from './context';

/*
 * The words of the reasons that name the person's own switches: who turned a switch off (the
 * person, or the organisation's managed policy), and a switch that is off because the product
 * starts it off (SMS), which the person never touched.
 */

/**
 * "You have turned off <what>", or "Your organisation has…" when the managed policy holds the
 * switch (`field`) off: the reason code stays the user's layer, the words say who chose.
 */
export function turnedOffWords(context: RecipientContext, field: string, what: string): string {
  const lock = lockOf(context.locks, field);
  return lock?.source === 'organisation'
    ? `Your organisation has turned off ${what}`
    : `You have turned off ${what}`;
}

const masterSwitchFields: Record<Channel, string> = {
  desktop: 'channels.desktop',
  inApp: 'channels.inApp',
  email: 'channels.email.enabled',
  text: 'channels.text.enabled',
};

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The channels whose master switch starts off for a new user (SMS today). Off there is the
 * product's default, not something the user did: the words must not blame them.
 */
const channelsOffByDefault: readonly Channel[] = (() => {
  const channelsOfNewUser = defaultUserPreferences().channels;
  return (['desktop', 'inApp', 'email', 'text'] as const).filter(
    (channel) => !userChannelOn(channelsOfNewUser, channel),
  );
})();

/** Why a channel's master switch is off: the organisation, the default, or the user. */
export function masterSwitchOffWords(context: RecipientContext, channel: Channel): string {
  const what = `${channelLabels[channel]} notifications`;
  const lock = lockOf(context.locks, masterSwitchFields[channel]);
  if (lock?.source !== 'organisation' && channelsOffByDefault.includes(channel)) {
    return `${sentence(what)} are off — turn them on in Channels`;
  }
  return turnedOffWords(context, masterSwitchFields[channel], what);
}

/** The per-type channels a new user starts with (`defaultAlertChannelChoices`). */
const newUserAlertChannels = defaultAlertChannels();

/**
 * Why a channel is off for one alert type: the organisation, the product's default (email for
 * texts starts off: "Email for texts to your ring groups is off — turn it on in Channels"), or
 * the person.
 */
export function typeChannelOffWords(
  context: RecipientContext,
  type: UserAlertType,
  channel: Channel,
): string {
  const field = `alertChannels.${type}.${channel}`;
  const what = `${channelLabels[channel]} for ${alertTypeLabels[type]}`;
  const lock = lockOf(context.locks, field);
  if (lock?.source !== 'organisation' && !newUserAlertChannels[type][channel]) {
    return `${sentence(what)} is off — turn it on in Channels`;
  }
  return turnedOffWords(context, field, what);
}
