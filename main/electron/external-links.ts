import type { Logger } from '../core/ports';
import type { ShellPort } from './electron-ports';

/** Hosts a link from the settings window may open in the browser (help and the web app). */
export const defaultExternalHosts: readonly string[] = [
  'ringside.example.com',
  'help.ringside.example.com',
  'app.ringside.example.com',
];

/**
 * The one way to open a link outside the app: https only, listed hosts only, no credentials in
 * the URL. Anything else is refused and logged (a page that tries `file:` or `javascript:` links
 * is either broken or compromised).
 */
export class ExternalLinks {
  readonly #shell: ShellPort;
  readonly #hosts: ReadonlySet<string>;
  readonly #logger: Logger;

  constructor(options: { shell: ShellPort; allowedHosts: readonly string[]; logger: Logger }) {
    this.#shell = options.shell;
    this.#hosts = new Set(options.allowedHosts.map((host) => host.toLowerCase()));
    this.#logger = options.logger;
  }

  isAllowed(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    return (
      parsed.protocol === 'https:' &&
      parsed.username === '' &&
      parsed.password === '' &&
      parsed.port === '' &&
      this.#hosts.has(parsed.hostname.toLowerCase())
    );
  }

  /**
   * Opens the softphone on a number ("Call back" on a missed call): a `tel:` link, only for a
   * number that is E.164 or a short code (what the service's events carry), nothing else in it.
   */
  async openPhoneNumber(number: string): Promise<{ opened: boolean }> {
    if (!/^(\+[1-9]\d{1,14}|\d{3,8})$/u.test(number)) {
      this.#logger.warn('phone link refused', { number: number.slice(0, 40) });
      return { opened: false };
    }
    return this.#launch(new URL(`tel:${number}`));
  }

  async open(url: string): Promise<{ opened: boolean }> {
    if (!this.isAllowed(url)) {
      this.#logger.warn('external link refused', { url: url.slice(0, 200) });
      return { opened: false };
    }
    return this.#launch(new URL(url));
  }

  /** The one call that leaves the app, reached only through the checks above. */
  async #launch(target: URL): Promise<{ opened: boolean }> {
    await this.#shell.openExternal(target.href);
    return { opened: true };
  }
}
