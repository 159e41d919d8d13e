import { RecipientsSection } from '../../sections/admin-sections';

/**
 * Recipients (admins): today's section, until the several-at-once editor (issue 14 §5) replaces
 * it here. The admin pages' engineer replaces this component and keeps its name.
 */
export function RecipientsPage() {
  return <RecipientsSection />;
}
