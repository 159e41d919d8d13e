import { BusinessDefaultsSection } from '../../sections/admin-sections';
import { BusinessDefaultsGrid } from './business-defaults-grid';

/**
 * Business defaults (admins), one editor: the business's allowed channels, contact points and
 * country, then the grid by category, where each alert type's channels and the channels the
 * business requires (mandatory) are set.
 */
export function BusinessDefaultsPage() {
  return (
    <BusinessDefaultsSection>
      <BusinessDefaultsGrid />
    </BusinessDefaultsSection>
  );
}
