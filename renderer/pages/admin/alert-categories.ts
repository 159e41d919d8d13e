import {
  accountAlertTypes,
  alertTypes,
  appointmentAlertTypes,
  channels,
  communicationAlertTypes,
  type AlertType,
  type Channel,
  isAccountAlertType,
} from '../../../common/alert-types';
import type { BusinessDefaults } from '../../../common/preferences';

/** The categories the admin pages group alert types by (issue 14 §5). */
export const alertCategories: ReadonlyArray<{
  id: string;
  title: string;
  types: readonly AlertType[];
}> = [
  { id: 'communication', title: 'Communication', types: [...communicationAlertTypes, 'highSms'] },
  { id: 'appointments', title: 'Appointments', types: appointmentAlertTypes },
  { id: 'leads', title: 'Leads', types: ['leadNew', 'leadUpdated'] },
  {
    id: 'usage',
    title: 'Usage and billing',
    types: ['usage75', 'usage90', 'usage100', 'paymentFailed', 'billingWarning'],
  },
  {
    id: 'account',
    title: 'Account reports',
    types: accountAlertTypes.filter((type) => type !== 'billingWarning'),
  },
];

/** The channels a type can use at all: account-level reports and warnings go by email only. */
export function channelsOfType(type: AlertType): readonly Channel[] {
  return isAccountAlertType(type) ? ['email'] : ['desktop', 'inApp', 'email', 'text'];
}

/**
 * Alert type labels worded for the business ("Calls to a member's personal line"), never
 * "your": the admin pages speak about the team, not the reader.
 */
export function businessLabel(label: string): string {
  const worded = label
    .replace(/\byour personal line\b/g, "a member's personal line")
    .replace(/\byour ring groups\b/g, 'ring groups')
    .replace(/\bassigned to you\b/g, 'assigned to a member')
    .replace(/\byour\b/g, "a member's");
  return worded.charAt(0).toUpperCase() + worded.slice(1);
}

/**
 * Keeps mandatory channels possible after an edit (`businessDefaultsSchema`): a channel the
 * business no longer sends a type through (type off, channel off for it, or not allowed) stops
 * being mandatory for it.
 */
export function keepMandatoryPossible(
  draft: BusinessDefaults,
  types: readonly AlertType[] = alertTypes,
): void {
  for (const type of types) {
    const entry = draft.alerts[type];
    for (const channel of channels) {
      if (!entry.enabled || !entry.channels[channel] || !draft.allowedChannels[channel]) {
        entry.mandatory[channel] = false;
      }
    }
  }
}
