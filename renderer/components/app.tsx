import { useEffect, useRef } from 'react';
import type { Section } from '../../common/ipc-contract';
import { isAdmin } from '../../common/preferences';
import { ActivitySection } from '../sections/activity-section';
import { BusinessDefaultsSection, RecipientsSection } from '../sections/admin-sections';
import {
  AccountSection,
  AppointmentsSection,
  CommunicationSection,
  HighSmsSection,
  LeadsSection,
  UsageSection,
} from '../sections/alert-sections';
import { ChannelsSection } from '../sections/channels-section';
import { LinesSection } from '../sections/lines-section';
import { NotificationsSection } from '../sections/notifications-section';
import { QuietHoursSection } from '../sections/quiet-hours-section';
import { useActivityStore } from '../stores/activity-store';
import { useNotificationsStore } from '../stores/notifications-store';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';
import { BusinessDefaultsGrid } from '../pages/admin/business-defaults-grid';
import { RecipientsPage } from '../pages/admin/recipients-page';
import { TeamPage } from '../pages/admin/team-page';
import { AdminChangeNotice } from './admin-change-notice';
import { SyncStatusBar } from './sync-status';

/** Sections in the order the window shows them; `adminOnly` ones are not rendered for agents. */
export const sectionList: ReadonlyArray<{ id: Section; title: string; adminOnly: boolean }> = [
  { id: 'communication', title: 'Communication', adminOnly: false },
  { id: 'appointments', title: 'Appointments', adminOnly: false },
  { id: 'lines', title: 'Lines', adminOnly: false },
  { id: 'highSms', title: 'High-SMS alerts', adminOnly: false },
  { id: 'channels', title: 'Channels', adminOnly: false },
  { id: 'leads', title: 'Leads', adminOnly: false },
  { id: 'usage', title: 'Usage and billing', adminOnly: false },
  { id: 'account', title: 'Account-level reports', adminOnly: true },
  { id: 'quietHours', title: 'Quiet hours', adminOnly: false },
  { id: 'businessDefaults', title: 'Business defaults', adminOnly: true },
  { id: 'recipients', title: 'Recipients', adminOnly: true },
  { id: 'activity', title: 'Activity', adminOnly: false },
  { id: 'notifications', title: 'In-app notifications', adminOnly: false },
];

/** The settings window: who you are, sync status, a section index and every section. */
export function App() {
  const profile = useSessionStore((state) => state.profile);
  const sessionError = useSessionStore((state) => state.loadError);
  const navigation = useSessionStore((state) => state.navigation);
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const preferencesError = usePreferencesStore((state) => state.loadError);
  const admin = profile !== null && isAdmin(profile.user.role);

  const ready = profile !== null && snapshot !== null;
  // Row counts: a clicked pop-up's row may arrive after the `navigate` event does.
  const activityCount = useActivityStore((state) => state.items.length);
  const notificationCount = useNotificationsStore((state) => state.items.length);
  const handled = useRef<object | null>(null);
  const sectionShown = useRef<object | null>(null);

  // Opens what main asked for (a pop-up click, the tray): the item's row if there is one, else
  // the section. Sections render only once loaded, so this waits for `ready` and for the row.
  useEffect(() => {
    if (!navigation || !ready || handled.current === navigation) return;
    const { section, itemId } = navigation;
    // The item's row in that section, else its Activity row: every event has one, while an
    // in-app notification exists only when the in-app channel was on.
    const selector = itemId === null ? null : `[data-event-id="${CSS.escape(itemId)}"]`;
    const row =
      selector === null
        ? null
        : (document.getElementById(section)?.querySelector<HTMLElement>(selector) ??
          document.getElementById('activity')?.querySelector<HTMLElement>(selector));
    if (row) {
      row.scrollIntoView({ block: 'center' });
      row.focus();
      handled.current = navigation;
      return;
    }
    if (sectionShown.current !== navigation) {
      const heading = document.getElementById(`${section}-heading`);
      heading?.scrollIntoView({ block: 'start' });
      heading?.focus();
      sectionShown.current = navigation;
    }
    if (itemId === null) handled.current = navigation;
  }, [navigation, ready, activityCount, notificationCount]);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to settings
      </a>
      <header className="app-header">
        <div>
          <h1>Notification settings</h1>
          {profile ? (
            <p className="who" data-testid="who">
              {profile.user.name} · {profile.business.name} · {roleWords[profile.user.role]}
            </p>
          ) : null}
        </div>
        <SyncStatusBar />
        <AdminChangeNotice />
      </header>
      <div className="app-body">
        <nav className="section-nav" aria-label="Sections">
          <ul>
            {sectionList
              .filter((section) => admin || !section.adminOnly)
              .map((section) => (
                <li key={section.id}>
                  <a href={`#${section.id}`}>{section.title}</a>
                </li>
              ))}
            {admin ? (
              <li>
                <a href="#team">Team</a>
              </li>
            ) : null}
          </ul>
        </nav>
        <main id="main" className="sections" tabIndex={-1}>
          {sessionError || preferencesError ? (
            <p className="field-error" role="alert">
              Could not load your settings: {sessionError ?? preferencesError}
            </p>
          ) : null}
          {ready ? (
            <>
              <CommunicationSection />
              <AppointmentsSection />
              <LinesSection />
              <HighSmsSection />
              <ChannelsSection />
              <LeadsSection />
              <UsageSection />
              <AccountSection />
              <QuietHoursSection />
              <BusinessDefaultsSection />
              <RecipientsSection />
              {admin ? <TeamPage /> : null}
              <BusinessDefaultsGrid />
              <RecipientsPage />
              <ActivitySection />
              <NotificationsSection />
            </>
          ) : (
            <p role="status">Loading your settings…</p>
          )}
        </main>
      </div>
    </div>
  );
}

const roleWords = { agent: 'Agent', admin: 'Admin', billingAdmin: 'Billing admin' } as const;
