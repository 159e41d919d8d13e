import { BusinessDefaultsSection } from '../../sections/admin-sections';
import { BusinessDefaultsGrid } from './business-defaults-grid';

/**
 * Business defaults (admins): the grid by category (the channels each type may use, column
 * toggles), then the business's allowed channels, contact points, country and the full table
 * with the channels it requires (mandatory), which the grid does not set.
 */
export function BusinessDefaultsPage() {
  return (
    <>
      <BusinessDefaultsGrid />
      <BusinessDefaultsSection />
    </>
  );
}
