import { appHost, appIndexUrl, appOrigin, appScheme } from './app-protocol';

/**
 * Which URLs are our own pages: the built settings window, served from `app://ringside/` (see
 * app-protocol.ts), or, in development only, the renderer's Vite dev server. Everything the
 * shell trusts (IPC senders, navigations, the CSP header) is decided here, in one place. A
 * `file://` URL is never ours: the bundle is not loaded from the disk by path.
 */
export class OwnPages {
  readonly #devServerOrigin: string | null;

  constructor(options: { devServerUrl: string | null }) {
    this.#devServerOrigin = options.devServerUrl ? new URL(options.devServerUrl).origin : null;
  }

  get devServerUrl(): string | null {
    return this.#devServerOrigin;
  }

  /** The settings window's address: the dev server in development, else `app://ringside/index.html`. */
  indexUrl(): string {
    return this.#devServerOrigin ?? appIndexUrl;
  }

  isOwn(url: string): boolean {
    const parsed = parse(url);
    if (parsed === null) return false;
    if (this.#devServerOrigin !== null && parsed.origin === this.#devServerOrigin) return true;
    return isAppUrl(parsed);
  }

  /** Whether this is the page itself (not an asset of it): the only page allowed to call IPC. */
  isOwnDocument(url: string): boolean {
    const parsed = parse(url);
    if (parsed === null) return false;
    if (this.#devServerOrigin !== null && parsed.origin === this.#devServerOrigin) return true;
    return isAppUrl(parsed) && parsed.pathname === '/index.html';
  }

  /**
   * Whether a frame showing our document at `url` has the origin it should: exactly
   * `app://ringside` for the built page (Chromium gives a registered standard scheme a real
   * origin), the dev server's in development. Anything else — "file://", the opaque "null" —
   * means the URL and the security origin disagree, and the frame is not trusted.
   */
  isOwnOrigin(origin: string, url: string): boolean {
    if (!this.isOwnDocument(url)) return false;
    const parsed = parse(url);
    if (this.#devServerOrigin !== null && parsed?.origin === this.#devServerOrigin)
      return origin === this.#devServerOrigin;
    return origin === appOrigin;
  }
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function isAppUrl(parsed: URL): boolean {
  return (
    parsed.protocol === `${appScheme}:` &&
    parsed.host === appHost &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === ''
  );
}
