import type { Section } from '../../common';
import type { Logger } from '../core/ports';
import type {
  BrowserWindowOptions,
  BrowserWindowPort,
  CreateBrowserWindow,
  SecureWebPreferences,
  WebContentsPort,
} from './electron-ports';

/** Electron's secure defaults, spelled out so a later edit cannot quietly turn one off. */
export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * Keeps a page where it is: navigation to anything but our own pages is cancelled, every
 * `window.open` is denied (an allowed https link goes to the browser instead), and no
 * `<webview>` may attach.
 */
export function hardenWebContents(
  webContents: WebContentsPort,
  options: {
    pages: { isOwn(url: string): boolean };
    links: { isAllowed(url: string): boolean; open(url: string): Promise<{ opened: boolean }> };
    logger: Logger;
  },
): void {
  const { pages, links, logger } = options;
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (pages.isOwn(url)) return;
    event.preventDefault();
    logger.warn('window: navigation denied', { url: url.slice(0, 200) });
  };
  webContents.on('will-navigate', guard);
  webContents.on('will-redirect', guard);
  webContents.on('will-attach-webview', (event) => event.preventDefault());
  webContents.setWindowOpenHandler(({ url }) => {
    if (links.isAllowed(url)) void links.open(url);
    else logger.warn('window: window.open denied', { url: url.slice(0, 200) });
    return { action: 'deny' };
  });
}

export interface SettingsWindowOptions {
  createWindow: CreateBrowserWindow;
  preload: string;
  /** The page: `app://ringside/index.html`, or the dev server (development only). */
  url: string;
  icon: string | null;
  pages: { isOwn(url: string): boolean };
  links: { isAllowed(url: string): boolean; open(url: string): Promise<{ opened: boolean }> };
  /** Called for each new window, before its page loads: the IPC wrapper registers it here. */
  onCreated: (webContents: WebContentsPort) => void;
  /** Asks the page to open a section (held by the IPC wrapper until the page is ready). */
  navigate: (webContentsId: number, section: Section, itemId: string | null) => void;
  logger: Logger;
}

/** The one settings window: created on first use, then shown and focused again. */
export class SettingsWindow {
  readonly #options: SettingsWindowOptions;
  #window: BrowserWindowPort | null = null;

  constructor(options: SettingsWindowOptions) {
    this.#options = options;
  }

  get current(): BrowserWindowPort | null {
    return this.#window && !this.#window.isDestroyed() ? this.#window : null;
  }

  /** Shows the window (creating it if needed) and, if asked, opens one section or item. */
  show(target?: { section: Section; itemId: string | null }): BrowserWindowPort {
    const window = this.current ?? this.#create();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    if (target) this.#options.navigate(window.webContents.id, target.section, target.itemId);
    return window;
  }

  #create(): BrowserWindowPort {
    const { createWindow, preload, url, icon, pages, links, onCreated, logger } = this.#options;
    const options: BrowserWindowOptions = {
      width: 980,
      height: 720,
      minWidth: 640,
      minHeight: 480,
      show: false,
      title: 'Ringside',
      autoHideMenuBar: true,
      webPreferences: secureWebPreferences(preload),
    };
    if (icon !== null) options.icon = icon;
    const window = createWindow(options);
    this.#window = window;
    hardenWebContents(window.webContents, { pages, links, logger });
    onCreated(window.webContents);
    window.on('closed', () => {
      if (this.#window === window) this.#window = null;
    });
    window
      .loadURL(url)
      .catch((error: unknown) =>
        logger.error('window: the settings page did not load', { error: String(error) }),
      );
    return window;
  }
}
