import { useEffect, useMemo, useState } from 'react';
import {
  alertTypeLabels,
  channelLabels,
  isAccountAlertType,
  type AlertType,
} from '../../../common/alert-types';
import { aboutMember } from '../../../common/diagnosis-words';
import { coverageWarnings, memberDiagnoses } from '../../../common/team-coverage';
import type { Diagnosis } from '../../../common/policy/context';
import type { Team, TeamMemberEntry } from '../../../common/team-api';
import { SettingsSection } from '../../components/controls';
import { useNow } from '../../components/use-now';
import { alertCategories, businessLabel, channelsOfType } from './alert-categories';
import { teamRefreshMilliseconds, useTeamStore } from './team-store';

const roleWords = { agent: 'Agent', admin: 'Admin', billingAdmin: 'Billing admin' } as const;

/** "10:42" in the reader's locale. */
export function clockTime(at: string | number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * The team view (issue 14 §5, admins): coverage warnings, then every member with, for each alert
 * type of the chosen category, whether they would be alerted now and by which channels —
 * `diagnose` over their effective preferences (`common/team-coverage.ts`). It asks the service
 * again every 10 s while open (polling; the window says how old its answer is) and after every
 * change made here.
 */
export function TeamPage() {
  const team = useTeamStore((state) => state.team);
  const loadedAt = useTeamStore((state) => state.loadedAt);
  const error = useTeamStore((state) => state.error);
  const load = useTeamStore((state) => state.load);
  const now = useNow(1000);
  const [categoryId, setCategoryId] = useState('communication');
  const [editing, setEditing] = useState<string | null>(null);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), teamRefreshMilliseconds);
    return () => window.clearInterval(timer);
  }, [load]);

  const category = alertCategories.find((each) => each.id === categoryId) ?? alertCategories[0];
  const warnings = useMemo(() => (team ? coverageWarnings(team) : []), [team]);
  const age = loadedAt === null ? null : Math.max(0, Math.round((now - loadedAt) / 1000));

  return (
    <SettingsSection
      id="team"
      title="Team"
      intro="Who would be alerted right now, by which channels, and where nobody would be."
    >
      <div className="inline-controls">
        <p role="status" data-testid="team-updated">
          {age === null ? 'Loading the team…' : `Updated ${age} s ago`}
        </p>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          Could not load the team: {error}
        </p>
      ) : null}
      {team ? (
        <>
          <CoverageWarnings warnings={warnings} />
          <div className="inline-controls">
            <label htmlFor="team-category">Alert types</label>
            <select
              id="team-category"
              value={category?.id}
              onChange={(event) => setCategoryId(event.target.value)}
            >
              {alertCategories.map((each) => (
                <option key={each.id} value={each.id}>
                  {each.title}
                </option>
              ))}
            </select>
          </div>
          <MembersTable
            team={team}
            types={category?.types ?? []}
            editing={editing}
            onEdit={(userId) => setEditing(editing === userId ? null : userId)}
          />
          {editing ? (
            <MemberEditor team={team} userId={editing} types={category?.types ?? []} />
          ) : null}
        </>
      ) : null}
    </SettingsSection>
  );
}

function CoverageWarnings({ warnings }: { warnings: ReturnType<typeof coverageWarnings> }) {
  return (
    <div data-testid="coverage-warnings" aria-live="polite">
      <h3>Coverage</h3>
      {warnings.length === 0 ? (
        <p>Every line and business alert reaches someone right now.</p>
      ) : (
        <ul className="coverage-warnings">
          {warnings.map((warning) => (
            <li key={warning.key} data-coverage={warning.key} className="field-error">
              <strong>{warning.summary}.</strong>
              <ul>
                {warning.details.map((detail) => (
                  <li key={detail}>{detail}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function MembersTable({
  team,
  types,
  editing,
  onEdit,
}: {
  team: Team;
  types: readonly AlertType[];
  editing: string | null;
  onEdit: (userId: string) => void;
}) {
  const lineName = (id: string) => team.lines.find((line) => line.id === id)?.name ?? id;
  return (
    <div className="table-scroll">
      <table className="team-table" data-testid="team-table">
        <caption>Would each member be alerted now? (channels, or why not)</caption>
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            <th scope="col">Lines</th>
            {types.map((type) => (
              <th key={type} scope="col">
                {businessLabel(alertTypeLabels[type])}
              </th>
            ))}
            <th scope="col">Settings</th>
          </tr>
        </thead>
        <tbody>
          {team.members.map((member) => {
            const diagnoses = memberDiagnoses(team, member, types);
            return (
              <tr key={member.user.id} data-member={member.user.id}>
                <th scope="row">
                  {member.user.name}
                  {member.onCall ? <span className="badge"> on a call</span> : null}
                  {member.lastChange ? (
                    <span className="hint">
                      {' '}
                      Changed by {member.lastChange.name} at {clockTime(member.lastChange.at)}
                    </span>
                  ) : null}
                </th>
                <td>{roleWords[member.user.role]}</td>
                <td>{member.lineIds.map(lineName).join(', ') || '—'}</td>
                {types.map((type) => {
                  const diagnosis = diagnoses.get(type);
                  return (
                    <td key={type} data-type={type}>
                      {diagnosis ? cellWords(diagnosis, member.user.name) : ''}
                    </td>
                  );
                })}
                <td>
                  <button
                    type="button"
                    aria-expanded={editing === member.user.id}
                    onClick={() => onEdit(member.user.id)}
                  >
                    Edit {member.user.name}'s settings
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One cell: the channels the alert would use now, and why it would not pop up on the desktop
 * when that is held back ("in-app (no desktop: Calls on Support Line are muted …)"), or why it
 * would reach them nowhere.
 */
function cellWords(diagnosis: Diagnosis, memberName: string): string {
  const desktopReason = diagnosis.reasons.find((reason) => reason.channels.includes('desktop'));
  if (!diagnosis.wouldAlert) {
    const first = diagnosis.reasons[0];
    return `No: ${first ? aboutMember(first.explanation, memberName) : 'not alerted'}`;
  }
  const used = diagnosis.channels.map((each) => channelLabels[each.channel]).join(', ');
  return desktopReason
    ? `${used} (no desktop: ${aboutMember(desktopReason.explanation, memberName)})`
    : used;
}

/** A member's channels per alert type, written through the admin route as the admin clicks. */
function MemberEditor({
  team,
  userId,
  types,
}: {
  team: Team;
  userId: string;
  types: readonly AlertType[];
}) {
  const member: TeamMemberEntry | undefined = team.members.find((each) => each.user.id === userId);
  const updateMember = useTeamStore((state) => state.updateMember);
  const error = useTeamStore((state) => state.memberErrors[userId]);
  if (!member) return null;
  return (
    <div className="member-editor" data-testid="member-editor" data-member={userId}>
      <h3>{member.user.name}'s channels</h3>
      <p className="section-intro">
        Saved at once; {member.user.name}'s window shows that you changed it.
      </p>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <table className="channel-table">
        <thead>
          <tr>
            <th scope="col">Alert type</th>
            {(['desktop', 'inApp', 'email', 'text'] as const).map((channel) => (
              <th key={channel} scope="col">
                {channelLabels[channel]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {types.map((type) => (
            <tr key={type}>
              <th scope="row">{businessLabel(alertTypeLabels[type])}</th>
              {(['desktop', 'inApp', 'email', 'text'] as const).map((channel) => {
                if (!channelsOfType(type).includes(channel)) return <td key={channel}>—</td>;
                const checked = isAccountAlertType(type)
                  ? member.preferences.accountAlerts[type]
                  : member.preferences.alertChannels[type][channel];
                const label = `${businessLabel(alertTypeLabels[type])} by ${channelLabels[channel]} for ${member.user.name}`;
                return (
                  <td key={channel}>
                    <input
                      type="checkbox"
                      aria-label={label}
                      checked={checked}
                      onChange={(event) => {
                        const on = event.target.checked;
                        void updateMember(userId, (draft) => {
                          if (isAccountAlertType(type)) draft.accountAlerts[type] = on;
                          else draft.alertChannels[type][channel] = on;
                        });
                      }}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
