import type { ComponentType } from 'react';
import type { PageId } from '../routing';
import { ActivitySection } from '../sections/activity-section';
import { ChannelsSection } from '../sections/channels-section';
import { LinesSection } from '../sections/lines-section';
import { NotificationsSection } from '../sections/notifications-section';
import { QuietHoursSection } from '../sections/quiet-hours-section';
import { AlertsPage } from './alerts-page';
import { BusinessDefaultsPage } from './admin/business-defaults-page';
import { RecipientsPage } from './admin/recipients-page';
import { TeamPage } from './admin/team-page';

/** One page of the window: its route, its name in the side menu, who sees it, what it shows. */
export interface PageDefinition {
  id: PageId;
  title: string;
  /** Shown to admins and billing admins only; an agent opening its URL lands on Alerts. */
  adminOnly: boolean;
  Component: ComponentType;
}

/**
 * The pages in side-menu order. To add one: its id in `pageIds` (routing.ts), a component here
 * (admin pages under `pages/admin/`), and a page object in e2e/browser/models.
 */
export const pageList: readonly PageDefinition[] = [
  { id: 'alerts', title: 'Alerts', adminOnly: false, Component: AlertsPage },
  { id: 'channels', title: 'Channels', adminOnly: false, Component: ChannelsSection },
  { id: 'lines', title: 'Lines', adminOnly: false, Component: LinesSection },
  { id: 'schedule', title: 'Schedule', adminOnly: false, Component: QuietHoursSection },
  { id: 'activity', title: 'Activity', adminOnly: false, Component: ActivitySection },
  {
    id: 'notifications',
    title: 'Notifications',
    adminOnly: false,
    Component: NotificationsSection,
  },
  { id: 'team', title: 'Team', adminOnly: true, Component: TeamPage },
  {
    id: 'business-defaults',
    title: 'Business defaults',
    adminOnly: true,
    Component: BusinessDefaultsPage,
  },
  { id: 'recipients', title: 'Recipients', adminOnly: true, Component: RecipientsPage },
];
