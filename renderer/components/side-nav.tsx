import type { KeyboardEvent } from 'react';
import type { PageDefinition } from '../pages/page-list';
import { routeHash, type PageId } from '../routing';
import { useNotificationsStore } from '../stores/notifications-store';

/** Arrow keys, Home and End move between the menu's links; Tab still leaves the menu. */
function moveFocus(event: KeyboardEvent<HTMLElement>) {
  const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a[href]')];
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  const next =
    event.key === 'ArrowDown'
      ? (at + 1) % links.length
      : event.key === 'ArrowUp'
        ? (at - 1 + links.length) % links.length
        : event.key === 'Home'
          ? 0
          : event.key === 'End'
            ? links.length - 1
            : null;
  if (next === null || links.length === 0) return;
  event.preventDefault();
  links[next]?.focus();
}

/** The side menu: a nav landmark of links, the current page marked, in view while you scroll. */
export function SideNav({ pages, current }: { pages: readonly PageDefinition[]; current: PageId }) {
  const unread = useNotificationsStore((state) => state.unread);
  return (
    <nav className="section-nav" aria-label="Pages" onKeyDown={moveFocus}>
      <ul>
        {pages.map((page) => (
          <li key={page.id}>
            <a
              href={routeHash({ page: page.id })}
              aria-current={page.id === current ? 'page' : undefined}
              data-page-link={page.id}
            >
              {page.title}
              {page.id === 'notifications' && unread > 0 ? (
                <span className="badge nav-badge" data-testid="nav-unread">
                  {unread}
                  <span className="visually-hidden"> unread</span>
                </span>
              ) : null}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
