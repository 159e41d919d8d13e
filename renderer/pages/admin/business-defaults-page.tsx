import { BusinessDefaultsSection } from '../../sections/admin-sections';

/**
 * Business defaults (admins): today's section, until the grouped grid (issue 14 §5) replaces it
 * here. The admin pages' engineer replaces this component and keeps its name.
 */
export function BusinessDefaultsPage() {
  return <BusinessDefaultsSection />;
}
