import type { MenuItemConstructorOptions } from 'electron';

/**
 * The few parts of Electron each shell part uses, as small structural interfaces: the real
 * Electron objects satisfy them (electron-main.ts passes them in and the compiler checks that),
 * and so does the shared fake in test/fakes/electron.ts. Parts take these in their constructors
 * instead of importing `electron`, so a test passes fresh fakes and no module is mocked.
 */

export interface AppPort {
  getPath(name: 'userData'): string;
  requestSingleInstanceLock(): boolean;
  quit(): void;
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
  setAppUserModelId(id: string): void;
  readonly isPackaged: boolean;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'before-quit', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
}

export interface NavigationEvent {
  preventDefault(): void;
}

export interface WebContentsPort {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'did-navigate', listener: () => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
}

export interface BrowserWindowPort {
  readonly webContents: WebContentsPort;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  on(event: 'closed', listener: () => void): unknown;
}

/** The web preferences the shell sets; every one of them is spelled out on purpose. */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  spellcheck: false;
}

export interface BrowserWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  icon?: string;
  autoHideMenuBar: boolean;
  webPreferences: SecureWebPreferences;
}

export type CreateBrowserWindow = (options: BrowserWindowOptions) => BrowserWindowPort;

export interface HeadersReceivedDetails {
  url: string;
  responseHeaders?: Record<string, string[] | string>;
}

/** A session's `protocol` (Electron's `Protocol`): the handler of `app:` is added there. */
export interface ProtocolPort {
  handle(
    scheme: string,
    handler: (request: { url: string; method: string }) => Promise<Response>,
  ): void;
  unhandle(scheme: string): void;
}

export interface SessionPort {
  protocol: ProtocolPort;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: HeadersReceivedDetails,
        callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void,
      ) => void,
    ): void;
  };
  setPermissionRequestHandler(
    handler: (
      webContents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

export interface ShellPort {
  openExternal(url: string): Promise<void>;
}

export interface NativeImagePort {
  setTemplateImage(value: boolean): void;
}

/** `Menu`, with the menu type it builds (Electron's Menu, or the fake's). */
export interface MenuPort<BuiltMenu> {
  buildFromTemplate(template: MenuItemConstructorOptions[]): BuiltMenu;
}

export interface TrayPort<BuiltMenu, Image extends NativeImagePort> {
  setImage(image: Image): void;
  setToolTip(tooltip: string): void;
  setContextMenu(menu: BuiltMenu): void;
  destroy(): void;
}

export interface PowerMonitorPort {
  on(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
  removeListener(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
}

export interface NotificationPort {
  show(): void;
  close(): void;
  on(event: 'click' | 'show', listener: () => void): unknown;
  /** `reason` on Windows only: 'userCanceled', 'applicationHidden' or 'timedOut'. */
  on(event: 'close', listener: (details: { reason?: string | undefined }) => void): unknown;
  /** macOS and Windows: a button was pressed (`actionIndex` in the order of `actions`). */
  on(event: 'action', listener: (details: { actionIndex: number }) => void): unknown;
  on(event: 'failed', listener: (event: unknown, error: string) => void): unknown;
}

/** The options the shell sets on a notification (a subset of Electron's). */
export interface NotificationOptionsPort {
  /** macOS and Windows: a notification shown with the id of one still listed replaces it. */
  id?: string;
  title: string;
  body: string;
  silent: boolean;
  /** Linux only. */
  urgency?: 'low' | 'normal' | 'critical';
  /** Windows and Linux: 'never' keeps it until it is closed. */
  timeoutType?: 'default' | 'never';
  /** macOS and Windows. */
  actions?: Array<{ type: 'button'; text: string }>;
}

export interface NotificationConstructorPort {
  new (options: NotificationOptionsPort): NotificationPort;
  isSupported(): boolean;
}
