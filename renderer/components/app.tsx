import { useEffect, useRef } from 'react';
import { isAdmin } from '../../common/preferences';
import { pageList } from '../pages/page-list';
import { routeHash, useRouteStore, type Route } from '../routing';
import { useActivityStore } from '../stores/activity-store';
import { useNotificationsStore } from '../stores/notifications-store';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';
import { SideNav } from './side-nav';
import { StatusHeader } from './status-header';
import { AdminChangeNotice } from './admin-change-notice';

/**
 * Moves focus where a navigation asked: the item's row on the page (a pop-up click, an Activity
 * link), else the page's heading. A notification's row may arrive after the route does, and an
 * event with no in-app item (in-app was off) opens on its Activity row instead.
 */
function useRouteFocus(route: Route, ready: boolean) {
  const activityCount = useActivityStore((state) => state.items.length);
  const notifications = useNotificationsStore((state) => state.items);
  const notificationsLoaded = useNotificationsStore((state) => state.loaded);
  const go = useRouteStore((state) => state.go);
  const handled = useRef<Route | null>(null);
  // The route the window opened on: its heading is not focused, so Tab starts at the skip link.
  const headingShown = useRef<Route | null>(route.itemId === null ? route : null);
  useEffect(() => {
    if (!ready || handled.current === route) return;
    const page = document.querySelector<HTMLElement>('[data-page]');
    const { itemId } = route;
    const row =
      itemId === null
        ? null
        : page?.querySelector<HTMLElement>(`[data-event-id="${CSS.escape(itemId)}"]`);
    if (row) {
      row.scrollIntoView({ block: 'center' });
      row.focus();
      handled.current = route;
      return;
    }
    if (
      itemId !== null &&
      route.page === 'notifications' &&
      notificationsLoaded &&
      !notifications.some((item) => item.eventId === itemId)
    ) {
      handled.current = route;
      go({ page: 'activity', itemId });
      return;
    }
    if (headingShown.current !== route) {
      const heading = page?.querySelector<HTMLElement>('h2');
      window.scrollTo({ top: 0 });
      heading?.focus({ preventScroll: true });
      headingShown.current = route;
    }
    if (itemId === null) handled.current = route;
  }, [route, ready, activityCount, notifications, notificationsLoaded, go]);
}

/** The settings window: the status header, the side menu, and the page the route names. */
export function App() {
  const profile = useSessionStore((state) => state.profile);
  const sessionError = useSessionStore((state) => state.loadError);
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const preferencesError = usePreferencesStore((state) => state.loadError);
  const route = useRouteStore((state) => state.route);
  const go = useRouteStore((state) => state.go);
  const admin = profile !== null && isAdmin(profile.user.role);
  const ready = profile !== null && snapshot !== null;
  // Lines only for someone with a line: a billing admin without one has nothing to choose.
  const pages = pageList.filter(
    (page) =>
      (admin || !page.adminOnly) && (page.id !== 'lines' || (profile?.lines.length ?? 0) > 0),
  );
  const current = pages.find((page) => page.id === route.page);
  // An agent on an admin page's URL lands on the first page (once the role is known).
  useEffect(() => {
    if (profile !== null && !current) go({ page: 'alerts' });
  }, [profile, current, go]);
  useEffect(() => {
    document.title = current ? `${current.title} · Ringside settings` : 'Ringside settings';
  }, [current]);
  useRouteFocus(route, ready);
  const Page = current?.Component;
  return (
    <div className="app">
      <a className="skip-link" href={routeHash(route)} onClick={skipToMain}>
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
        <StatusHeader />
        <AdminChangeNotice />
      </header>
      <div className="app-body">
        <SideNav pages={pages} current={route.page} />
        <main id="main" className="sections" tabIndex={-1}>
          {sessionError || preferencesError ? (
            <p className="field-error" role="alert">
              Could not load your settings: {sessionError ?? preferencesError}
            </p>
          ) : null}
          {ready && Page ? (
            <div className="page" data-page={route.page} key={route.page}>
              <Page />
            </div>
          ) : (
            <p role="status">Loading your settings…</p>
          )}
        </main>
      </div>
    </div>
  );
}

/** The skip link moves focus into the page without changing the route. */
function skipToMain(event: { preventDefault(): void }) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

const roleWords = { agent: 'Agent', admin: 'Admin', billingAdmin: 'Billing admin' } as const;
