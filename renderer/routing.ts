import { create } from 'zustand';
import { parseRoute, routeHash, type PageId, type Route } from './routes';

export {
  pageIds,
  pageOfSection,
  parseRoute,
  routeHash,
  defaultRoute,
  type PageId,
  type Route,
} from './routes';

/** The route shown now, following the address bar; `go` changes both. */
export interface RouteState {
  route: Route;
  /** Each navigation is a new object, so asking for the same item twice focuses it again. */
  go: (route: Partial<Route> & { page: PageId }) => void;
  /** Follows the address bar (a link, back and forward). */
  follow: (hash: string) => void;
}

export const useRouteStore = create<RouteState>()((set) => ({
  route: parseRoute(globalThis.location?.hash ?? ''),
  go(route) {
    const hash = routeHash(route);
    if (globalThis.location.hash !== hash) globalThis.location.hash = hash;
    set({ route: parseRoute(hash) });
  },
  follow: (hash) => set({ route: parseRoute(hash) }),
}));

/** Keeps the route store in step with the address bar; returns the unsubscribe. */
export function connectRouting(target: Window): () => void {
  const listener = () => useRouteStore.getState().follow(target.location.hash);
  target.addEventListener('hashchange', listener);
  listener();
  return () => target.removeEventListener('hashchange', listener);
}
