import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

/**
 * Which URLs are our own pages: the built settings window (a file inside the renderer folder)
 * or, in development only, the renderer's Vite dev server. Everything the shell trusts (IPC
 * senders, navigations, the CSP header) is decided here, in one place.
 */
export class OwnPages {
  readonly #rendererFolder: string;
  readonly #indexFile: string;
  readonly #devServerOrigin: string | null;

  constructor(options: { rendererFolder: string; devServerUrl: string | null }) {
    this.#rendererFolder = path.resolve(options.rendererFolder);
    this.#indexFile = path.join(this.#rendererFolder, 'index.html');
    this.#devServerOrigin = options.devServerUrl ? new URL(options.devServerUrl).origin : null;
  }

  /** The settings window's address, with an optional route in the hash. */
  get indexFile(): string {
    return this.#indexFile;
  }

  get devServerUrl(): string | null {
    return this.#devServerOrigin;
  }

  isOwn(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (this.#devServerOrigin !== null && parsed.origin === this.#devServerOrigin) return true;
    if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
    let filePath: string;
    try {
      filePath = path.resolve(fileURLToPath(parsed));
    } catch {
      return false;
    }
    const relative = path.relative(this.#rendererFolder, filePath);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  }

  /** Whether this is the page itself (not an asset of it): the only page allowed to call IPC. */
  isOwnDocument(url: string): boolean {
    if (!this.isOwn(url)) return false;
    const parsed = new URL(url);
    if (this.#devServerOrigin !== null && parsed.origin === this.#devServerOrigin) return true;
    return path.resolve(fileURLToPath(parsed)) === this.#indexFile;
  }

  /**
   * Whether a frame showing our document at `url` has the origin it should: the dev server's, or
   * for the built page a file origin, which Chromium serialises as "file://" (older versions and
   * some frames report the opaque "null"). Anything else means the URL and the security origin
   * disagree, and the frame is not trusted.
   */
  isOwnOrigin(origin: string, url: string): boolean {
    if (!this.isOwnDocument(url)) return false;
    const parsed = new URL(url);
    if (this.#devServerOrigin !== null && parsed.origin === this.#devServerOrigin)
      return origin === this.#devServerOrigin;
    return origin === 'file://' || origin === 'null';
  }

  indexUrl(): string {
    return pathToFileURL(this.#indexFile).href;
  }
}
