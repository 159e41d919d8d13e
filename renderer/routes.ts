import { alertTypes, type AlertType } from '../common/alert-types';
import type { Section } from '../common/ipc-contract';

/**
 * The window's pages and their hash routes: `#/alerts`, `#/notifications/<eventId>`,
 * `#/activity/<eventId>`, `#/activity/why/<alertType>`, `#/team`… The shell opens a page by
 * sending `navigate` (a pop-up click, the tray); a person by a link, the keyboard, or the URL.
 */
export const pageIds = [
  'alerts',
  'channels',
  'lines',
  'schedule',
  'activity',
  'notifications',
  'team',
  'business-defaults',
  'recipients',
] as const;
export type PageId = (typeof pageIds)[number];

export interface Route {
  page: PageId;
  /** The event to open on the page (its row is focused): a pop-up's item, an Activity row. */
  itemId: string | null;
  /** "Why am I not getting …?" for this type, on the Activity page. */
  why: AlertType | null;
}

export const defaultRoute: Route = { page: 'alerts', itemId: null, why: null };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The route a hash names; anything unknown is the first page, never an error. */
export function parseRoute(hash: string): Route {
  const [page, ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (!pageIds.includes(page as PageId)) return defaultRoute;
  const route: Route = { page: page as PageId, itemId: null, why: null };
  if (rest[0] === 'why' && page === 'activity') {
    const type = decode(rest[1] ?? '');
    return { ...route, why: alertTypes.includes(type as AlertType) ? (type as AlertType) : null };
  }
  const item = rest.length > 0 ? decode(rest.join('/')) : null;
  return { ...route, itemId: item === '' ? null : item };
}

/** The hash of a route: what links point at and what the address bar shows. */
export function routeHash(route: Partial<Route> & { page: PageId }): string {
  if (route.why) return `#/${route.page}/why/${route.why}`;
  if (route.itemId) return `#/${route.page}/${encodeURIComponent(route.itemId)}`;
  return `#/${route.page}`;
}

/** The page that holds a section the shell names (the contract speaks sections). */
export function pageOfSection(section: Section): PageId {
  switch (section) {
    case 'communication':
    case 'appointments':
    case 'highSms':
    case 'leads':
    case 'usage':
    case 'account':
      return 'alerts';
    case 'quietHours':
      return 'schedule';
    case 'businessDefaults':
      return 'business-defaults';
    case 'channels':
    case 'lines':
    case 'recipients':
    case 'activity':
    case 'notifications':
      return section;
  }
}
