import type { AlertType, Channel } from '../alert-types';
import { businessLocks, type LockSource, type SettingLock } from '../locks';
import type { BusinessDefaults, Role, UserPreferences } from '../preferences';

/** A phone line as the recipient sees it. */
export interface Line {
  id: string;
  name: string;
  /** E.164 */
  number: string;
  /** The ring group this line rings, for shared lines; null for a personal line. */
  ringGroupId: string | null;
  /** The user whose personal line this is; null for shared lines. */
  ownerUserId: string | null;
}

export interface RingGroup {
  id: string;
  name: string;
}

/** Everything `decide` needs to know about the person an event is for, at one instant. */
export interface RecipientContext {
  userId: string;
  role: Role;
  /** The address of the user's account: where alert emails go when no other address is set. */
  accountEmail: string | null;
  /** The backup phone on the user's account: where texts go without a custom number. */
  backupPhone: string | null;
  personalLineId: string | null;
  /** Lines the user can receive on: their personal line and the lines of their ring groups. */
  lines: readonly Line[];
  /** Ring groups the user belongs to. */
  ringGroups: readonly RingGroup[];
  /** Whether the user is on a call right now (Fisher Mode). */
  onCall: boolean;
  preferences: UserPreferences;
  business: BusinessDefaults;
  /**
   * Fields of `preferences` someone else holds (`locks.ts`): the organisation's managed policy
   * (companion only) and the business's mandatory channels.
   */
  locks: readonly SettingLock[];
  /** Epoch milliseconds: the engine never reads a clock. */
  now: number;
}

/** Who the recipient is: the signed-in user of a profile, or a user row of the service. */
export interface RecipientUser {
  id: string;
  role: Role;
  email: string | null;
  backupPhone: string | null;
  personalLineId: string | null;
}

/** What a `RecipientContext` is built from, wherever it is built. */
export interface RecipientParts {
  user: RecipientUser;
  lines: readonly Line[];
  ringGroups: readonly RingGroup[];
  onCall: boolean;
  preferences: UserPreferences;
  business: BusinessDefaults;
  /**
   * The organisation's locks (`organisationLocks` of the managed policy), which only the
   * companion knows; the service passes none. `preferences` should already hold their values
   * (`effectivePreferences`).
   */
  organisationLocks?: readonly SettingLock[];
  now: number;
}

/**
 * The one way to build a `RecipientContext`: the companion (from its profile), the service's
 * event hub (from its user rows) and the settings window's dev fake all use it, so a field added
 * to the context is filled everywhere or fails to compile everywhere.
 */
export function recipientContext(parts: RecipientParts): RecipientContext {
  return {
    userId: parts.user.id,
    role: parts.user.role,
    accountEmail: parts.user.email,
    backupPhone: parts.user.backupPhone,
    personalLineId: parts.user.personalLineId,
    lines: parts.lines,
    ringGroups: parts.ringGroups,
    onCall: parts.onCall,
    preferences: parts.preferences,
    business: parts.business,
    locks: [
      ...(parts.organisationLocks ?? []),
      ...businessLocks(parts.business, { userId: parts.user.id, role: parts.user.role }),
    ],
    now: parts.now,
  };
}

/** Why a channel did not deliver. A closed list: every code has an explanation and a test. */
export const reasonCodes = [
  'notAnAlert',
  'notOnLine',
  'ringGroupFax',
  'notAdmin',
  'notBillingAdmin',
  'notRecipient',
  'typeOffByBusiness',
  'typeOffByUser',
  'belowLeadThreshold',
  'lineNotChosen',
  'channelNotOffered',
  'channelNotAllowedByBusiness',
  'channelOffForType',
  'recipientChannelOff',
  'channelOffByUser',
  'channelOffForTypeByUser',
  'noDestination',
  'onAnotherCall',
  'lineMuted',
  'doNotDisturb',
  'quietHours',
] as const;
export type ReasonCode = (typeof reasonCodes)[number];

export interface Reason {
  code: ReasonCode;
  /** One sentence a person understands. */
  explanation: string;
}

/** A lock that keeps a channel on whatever the user's own switches say, and why. */
export interface DeliveryLock {
  source: LockSource;
  /** "Your business requires payment failures by email". */
  reason: string;
}

export interface Delivery {
  channel: Channel;
  /** Email address or E.164 number for email and text; null for desktop and in-app. */
  destination: string | null;
  /**
   * Set when a lock holds this channel on for the type (a business's mandatory channel): it
   * delivers whatever the user's type switch, per-type channel and master switch say.
   */
  lock?: DeliveryLock;
}

export interface Suppression extends Reason {
  channel: Channel;
}

/** The engine's answer for one event and one person: every channel delivered or suppressed. */
export interface Decision {
  eventId: string;
  alertType: AlertType | null;
  lineId: string | null;
  deliveries: Delivery[];
  suppressed: Suppression[];
}

/** "Why am I not receiving these alerts?" */
export interface Diagnosis {
  alertType: AlertType;
  /** True when at least one channel would deliver such an alert now. */
  wouldAlert: boolean;
  /** Channels such an alert would go through now. */
  channels: Delivery[];
  /** Everything that keeps a channel (or every channel) from alerting, each once. */
  reasons: Array<Reason & { channels: Channel[] }>;
  /** Conditions that filter some alerts of this type without blocking it ("only leads ≥ 60"). */
  limits: Reason[];
  /** Channels a lock holds on for this type (mandatory), whatever the user's own switches say. */
  locks: Array<DeliveryLock & { channel: Channel }>;
}
