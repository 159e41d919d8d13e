import {
  alertTypeLabels,
  channelLabels,
  recipientAlertTypes,
  type AlertType,
  type Channel,
} from './alert-types';
import {
  recipientContext,
  type Diagnosis,
  type Line,
  type RecipientContext,
} from './policy/context';
import { aboutMember } from './diagnosis-words';
import { diagnose, diagnoseOnLine } from './policy/diagnose';
import type { Team, TeamMemberEntry } from './team-api';

/**
 * The team view's arithmetic (issue 14 §5), pure so the window, the headless companion and
 * tests compute it alike: each member's context from `GET /api/team`, `diagnose` per member and
 * alert type, and the coverage warnings. Nothing here re-implements a rule of the policy: every
 * "would they be alerted" is `diagnose`'s answer.
 */

/** The context `decide` and `diagnose` would use for `member`, from the team's answer. */
export function memberContext(team: Team, member: TeamMemberEntry): RecipientContext {
  return recipientContext({
    user: member.user,
    lines: team.lines.filter((line) => member.lineIds.includes(line.id)),
    ringGroups: team.ringGroups.filter((group) => member.ringGroupIds.includes(group.id)),
    onCall: member.onCall,
    preferences: member.preferences,
    business: team.defaults,
    now: team.now,
  });
}

/** One member's diagnosis for each of `alertTypes`. */
export function memberDiagnoses(
  team: Team,
  member: TeamMemberEntry,
  alertTypes: readonly AlertType[],
): Map<AlertType, Diagnosis> {
  const context = memberContext(team, member);
  return new Map(alertTypes.map((type) => [type, diagnose(type, context)]));
}

/** A place where an alert would reach nobody (on the channel that matters) right now. */
export interface CoverageWarning {
  /** Stable key: `line:<id>` or `type:<alert type>`. */
  key: string;
  /** One sentence: "Nobody would get a desktop alert for a call to the Support Line right now". */
  summary: string;
  /** Why, member by member, in `diagnose`'s words: 'Jordan Park: “Calls on Support Line are muted until they unmute”'. */
  details: string[];
}

/** The first reason a channel did not deliver, `diagnose`'s words told about the member. */
function reasonFor(diagnosis: Diagnosis, channel: Channel, memberName: string): string {
  const reason = diagnosis.reasons.find((each) => each.channels.includes(channel));
  return reason
    ? aboutMember(reason.explanation, memberName)
    : `No ${channelLabels[channel]} alert`;
}

function lineCoverage(team: Team, line: Line): CoverageWarning | null {
  const type: AlertType = line.ringGroupId === null ? 'callPersonal' : 'callRingGroup';
  const group = team.ringGroups.find((each) => each.id === line.ringGroupId);
  const where = group ? `${line.name} (ring group ${group.name})` : line.name;
  const members = team.members.filter((member) => member.lineIds.includes(line.id));
  const details: string[] = [];
  for (const member of members) {
    const diagnosis = diagnoseOnLine(type, memberContext(team, member), line.id);
    if (!diagnosis) continue;
    if (diagnosis.channels.some((each) => each.channel === 'desktop')) return null;
    details.push(`${member.user.name}: “${reasonFor(diagnosis, 'desktop', member.user.name)}”`);
  }
  if (members.length === 0) details.push('Nobody receives calls on this line');
  return {
    key: `line:${line.id}`,
    summary: `Nobody would get a desktop alert for a call to ${where} right now`,
    details,
  };
}

/** Business alerts that must reach someone: leads, usage, payment failures, billing warnings. */
export const coveredBusinessAlertTypes: readonly AlertType[] = [
  ...recipientAlertTypes,
  'billingWarning',
];

function typeCoverage(team: Team, type: AlertType): CoverageWarning | null {
  if (!team.defaults.alerts[type].enabled) return null;
  const details: string[] = [];
  for (const member of team.members) {
    const diagnosis = diagnose(type, memberContext(team, member));
    if (diagnosis.wouldAlert) return null;
    const first = diagnosis.reasons[0];
    const reason = first ? aboutMember(first.explanation, member.user.name) : 'Not alerted';
    details.push(`${member.user.name}: “${reason}”`);
  }
  return {
    key: `type:${type}`,
    summary: `Nobody would get ${alertTypeLabels[type]} on any working channel right now`,
    details,
  };
}

/**
 * Every coverage warning of the team now: each line where no member would get a desktop alert
 * for a call (muted, not chosen, quiet hours, do-not-disturb, on another call), then each
 * business alert type the business has on that would reach nobody on any channel.
 */
export function coverageWarnings(team: Team): CoverageWarning[] {
  const warnings: CoverageWarning[] = [];
  for (const line of team.lines) {
    const warning = lineCoverage(team, line);
    if (warning) warnings.push(warning);
  }
  for (const type of coveredBusinessAlertTypes) {
    const warning = typeCoverage(team, type);
    if (warning) warnings.push(warning);
  }
  return warnings;
}
