import { SettingsSection } from '../../components/controls';

/**
 * The team view (issue 14 §5): every member, what would alert them now, coverage warnings.
 * An empty shell in the page framework: the admin pages' engineer replaces this component (and
 * keeps its name), nothing else in the window changes.
 */
export function TeamPage() {
  return (
    <SettingsSection
      id="team"
      title="Team"
      intro="Every member of your business, and whether they would be alerted now."
    >
      <p data-testid="team-placeholder">The team view is on its way.</p>
    </SettingsSection>
  );
}
