import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';

/**
 * The one shared fake of the parts of Electron the shell uses (Fiddle's tests/mocks/electron.ts).
 * vitest aliases `electron` to this file, so code that imports `electron` gets these objects in
 * tests; tests import this file directly to drive them (emit `resume`, click a notification) and
 * to read what was recorded. It behaves like Electron where the shell depends on it: `ipcRenderer`
 * reaches the handlers registered on `ipcMain` with a real-shaped event (`sender`, `senderFrame`),
 * and `webContents.send` reaches the `ipcRenderer` of that page. Call `resetFakeElectron()` in
 * `beforeEach`: these are module-level objects, as Electron's are.
 */

/** Everything the fake was asked to do, in order, for assertions. */
export const recorded: Array<{ call: string; args: unknown[] }> = [];

function record(call: string, ...args: unknown[]): void {
  recorded.push({ call, args });
}

// ---------- app ----------

export class FakeApp extends EventEmitter {
  name = 'Ringside';
  isPackaged = false;
  /** What `requestSingleInstanceLock()` answers: false makes this the second instance. */
  singleInstanceLockAvailable = true;
  quitCalls = 0;
  loginItemSettings = { openAtLogin: false };
  appUserModelId: string | null = null;
  readonly #paths = new Map<string, string>([
    ['userData', '/tmp/ringside-fake-user-data'],
    ['home', '/tmp/ringside-fake-home'],
    ['temp', '/tmp'],
  ]);

  getPath(name: string): string {
    const value = this.#paths.get(name);
    if (value === undefined) throw new Error(`Failed to get '${name}' path`);
    return value;
  }

  setPath(name: string, value: string): void {
    record('app.setPath', name, value);
    this.#paths.set(name, value);
  }

  getAppPath(): string {
    return process.cwd();
  }

  getVersion(): string {
    return '0.1.0';
  }

  requestSingleInstanceLock(): boolean {
    record('app.requestSingleInstanceLock');
    return this.singleInstanceLockAvailable;
  }

  quit(): void {
    record('app.quit');
    this.quitCalls += 1;
  }

  exit(code?: number): void {
    record('app.exit', code);
  }

  focus(): void {
    record('app.focus');
  }

  setLoginItemSettings(settings: { openAtLogin?: boolean }): void {
    record('app.setLoginItemSettings', settings);
    this.loginItemSettings = { openAtLogin: settings.openAtLogin ?? false };
  }

  getLoginItemSettings(): { openAtLogin: boolean } {
    return { ...this.loginItemSettings };
  }

  setAppUserModelId(id: string): void {
    record('app.setAppUserModelId', id);
    this.appUserModelId = id;
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  isReady(): boolean {
    return true;
  }
}

// ---------- webContents, frames, sessions ----------

export type PermissionRequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: unknown,
) => void;

export type PermissionCheckHandler = (
  webContents: unknown,
  permission: string,
  requestingOrigin: string,
  details: unknown,
) => boolean;

export interface HeadersReceivedDetails {
  url: string;
  resourceType?: string;
  responseHeaders?: Record<string, string[]>;
}

export type HeadersReceivedListener = (
  details: HeadersReceivedDetails,
  callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
) => void;

/** A scheme given privileges with `protocol.registerSchemesAsPrivileged` (before ready). */
export interface FakeCustomScheme {
  scheme: string;
  privileges?: { standard?: boolean; secure?: boolean; [privilege: string]: boolean | undefined };
}

/** Process-wide, as in Electron: what `registerSchemesAsPrivileged` registered. */
export const privilegedSchemes: FakeCustomScheme[] = [];

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

/**
 * A session's `protocol`: `handle` keeps one handler per scheme (a second one throws, as in
 * Electron), and `request(url)` is what Chromium does when a page of that session loads the URL:
 * a fetch `Request` to the handler, or a network error when no handler has the scheme.
 */
export class FakeProtocol {
  readonly handlers = new Map<string, ProtocolHandler>();

  registerSchemesAsPrivileged(schemes: FakeCustomScheme[]): void {
    record('protocol.registerSchemesAsPrivileged', schemes);
    privilegedSchemes.splice(0, privilegedSchemes.length, ...schemes);
  }

  handle(scheme: string, handler: ProtocolHandler): void {
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    record('protocol.handle', scheme);
    this.handlers.set(scheme, handler);
  }

  unhandle(scheme: string): void {
    record('protocol.unhandle', scheme);
    this.handlers.delete(scheme);
  }

  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }

  /** A request from a page, through the handler registered for the URL's scheme. */
  async request(url: string, init?: RequestInit): Promise<Response> {
    const scheme = url.slice(0, Math.max(0, url.indexOf(':')));
    const handler = this.handlers.get(scheme);
    if (!handler) throw new TypeError(`net::ERR_UNKNOWN_URL_SCHEME ${url}`);
    return await handler(new Request(url, init));
  }
}

export class FakeSession {
  readonly protocol = new FakeProtocol();
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  headersReceived: HeadersReceivedListener | null = null;
  readonly webRequest = {
    onHeadersReceived: (
      filterOrListener: unknown,
      maybeListener?: HeadersReceivedListener | null,
    ): void => {
      const listener =
        typeof filterOrListener === 'function'
          ? (filterOrListener as HeadersReceivedListener)
          : (maybeListener ?? null);
      record('session.webRequest.onHeadersReceived');
      this.headersReceived = listener;
    },
  };

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    record('session.setPermissionRequestHandler');
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    record('session.setPermissionCheckHandler');
    this.permissionCheckHandler = handler;
  }

  /** Runs the registered headers listener as Chromium would for one response. */
  simulateResponse(details: HeadersReceivedDetails): Promise<{
    responseHeaders?: Record<string, string[]>;
    cancel?: boolean;
  }> {
    const listener = this.headersReceived;
    if (!listener) return Promise.resolve({ ...details });
    return new Promise((resolve) => listener(details, resolve));
  }

  /** Asks the registered handler, as Chromium does when a page requests a permission. */
  requestPermission(permission: string, webContents: unknown = null): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    // Electron's default grants everything: the reason every app must install a handler.
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => handler(webContents, permission, resolve, {}));
  }
}

export class FakeWebFrameMain {
  /** The frame this one is embedded in; null for a window's top frame, as in Electron. */
  parent: FakeWebFrameMain | null = null;
  /** Set to give the frame an origin other than its URL's (about:blank, srcdoc, sandboxed). */
  originOverride: string | null = null;

  constructor(
    public url: string,
    readonly routingId: number,
  ) {}

  /**
   * As Chromium serialises it: "file://" for file pages, scheme://host for a custom scheme
   * registered as standard (before ready), "null" for other custom schemes and opaque origins.
   */
  get origin(): string {
    if (this.originOverride !== null) return this.originOverride;
    try {
      const parsed = new URL(this.url);
      if (parsed.protocol === 'file:') return 'file://';
      const scheme = parsed.protocol.slice(0, -1);
      const standard = privilegedSchemes.some(
        (entry) => entry.scheme === scheme && entry.privileges?.standard === true,
      );
      if (standard) return `${scheme}://${parsed.host.toLowerCase()}`;
      return parsed.origin;
    } catch {
      return 'null';
    }
  }
}

/** The answer of a window-open handler, as Electron types it. */
export type WindowOpenAnswer =
  { action: 'deny' } | { action: 'allow'; overrideBrowserWindowOptions?: unknown };

let nextWebContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly session: FakeSession;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  readonly mainFrame: FakeWebFrameMain;
  windowOpenHandler: ((details: { url: string }) => WindowOpenAnswer) | null = null;
  #destroyed = false;

  constructor(session: FakeSession) {
    super();
    this.session = session;
    this.mainFrame = new FakeWebFrameMain('about:blank', this.id);
  }

  getURL(): string {
    return this.mainFrame.url;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.#destroyed) throw new Error('Object has been destroyed');
    record('webContents.send', channel, ...args);
    this.sent.push({ channel, args });
    if (ipcRenderer.page === this) ipcRenderer.emit(channel, { sender: ipcRenderer }, ...args);
  }

  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenAnswer): void {
    record('webContents.setWindowOpenHandler');
    this.windowOpenHandler = handler;
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  destroy(): void {
    this.#destroyed = true;
    this.emit('destroyed');
  }

  /** What Chromium would do for `window.open(url)`: ask the handler, default allow. */
  simulateWindowOpen(url: string): WindowOpenAnswer {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }) : { action: 'allow' };
  }

  /** A navigation the page starts: returns whether a listener prevented it. */
  simulateNavigation(eventName: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    const event = {
      url,
      preventDefault: () => {
        prevented = true;
      },
    };
    this.emit(eventName, event, url);
    if (!prevented) {
      this.mainFrame.url = url;
      this.emit('did-navigate', {}, url);
    }
    return prevented;
  }

  /** A `<webview>` attaching: returns whether a listener prevented it. */
  simulateWebviewAttach(): boolean {
    let prevented = false;
    this.emit(
      'will-attach-webview',
      { preventDefault: () => (prevented = true) },
      {},
      { src: 'https://example.com' },
    );
    return prevented;
  }
}

// ---------- BrowserWindow ----------

export interface FakeWindowOptions {
  show?: boolean;
  webPreferences?: Record<string, unknown>;
  [key: string]: unknown;
}

let nextWindowId = 1;

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];

  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((window) => !window.isDestroyed());
  }

  readonly id = nextWindowId++;
  readonly options: FakeWindowOptions;
  readonly webContents: FakeWebContents;
  visible: boolean;
  focused = false;
  minimized = false;
  #destroyed = false;

  constructor(options: { show?: boolean; webPreferences?: object } = {}) {
    super();
    record('new BrowserWindow', options);
    this.options = options as FakeWindowOptions;
    this.visible = options.show ?? true;
    this.webContents = new FakeWebContents(session.defaultSession);
    BrowserWindow.instances.push(this);
  }

  loadFile(
    filePath: string,
    options?: { hash?: string; query?: Record<string, string> },
  ): Promise<void> {
    record('BrowserWindow.loadFile', filePath, options);
    const url = new URL(
      `file://${filePath.startsWith('/') ? '' : '/'}${filePath.replaceAll('\\', '/')}`,
    );
    if (options?.hash) url.hash = options.hash;
    this.webContents.mainFrame.url = url.href;
    this.webContents.emit('did-navigate', {}, url.href);
    this.webContents.emit('did-finish-load');
    return Promise.resolve();
  }

  loadURL(url: string): Promise<void> {
    record('BrowserWindow.loadURL', url);
    this.webContents.mainFrame.url = url;
    this.webContents.emit('did-navigate', {}, url);
    this.webContents.emit('did-finish-load');
    return Promise.resolve();
  }

  show(): void {
    record('BrowserWindow.show', this.id);
    this.visible = true;
    this.focused = true;
  }

  focus(): void {
    record('BrowserWindow.focus', this.id);
    this.focused = true;
  }

  restore(): void {
    this.minimized = false;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isVisible(): boolean {
    return this.visible;
  }

  hide(): void {
    this.visible = false;
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  close(): void {
    record('BrowserWindow.close', this.id);
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroy();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
}

// ---------- Tray, Menu, nativeImage ----------

export class FakeNativeImage {
  templateImage = false;
  constructor(readonly path: string) {}

  isEmpty(): boolean {
    return this.path === '';
  }

  setTemplateImage(value: boolean): void {
    this.templateImage = value;
  }

  isTemplateImage(): boolean {
    return this.templateImage;
  }
}

export const nativeImage = {
  createFromPath(path: string): FakeNativeImage {
    return new FakeNativeImage(path);
  },
  createEmpty(): FakeNativeImage {
    return new FakeNativeImage('');
  },
};

/** The subset of a menu item template the fake keeps (Electron's MenuItemConstructorOptions). */
export interface FakeMenuItemOptions {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
  enabled?: boolean;
  checked?: boolean;
  submenu?: FakeMenuItemOptions[];
  click?: (...args: unknown[]) => void;
  [key: string]: unknown;
}

export class FakeMenu {
  constructor(readonly items: FakeMenuItemOptions[]) {}

  /** Finds an item by its path of labels, e.g. ['Mute line', 'Front desk', 'For 1 hour']. */
  find(labels: readonly string[]): FakeMenuItemOptions | undefined {
    let items: FakeMenuItemOptions[] | undefined = this.items;
    let found: FakeMenuItemOptions | undefined;
    for (const label of labels) {
      found = items?.find((item) => item.label === label);
      items = found?.submenu;
    }
    return found;
  }

  /** Clicks an item as a person would; throws when it does not exist or is disabled. */
  click(labels: readonly string[]): void {
    const item = this.find(labels);
    if (!item) throw new Error(`No menu item ${labels.join(' ▸ ')}`);
    if (item.enabled === false) throw new Error(`Menu item ${labels.join(' ▸ ')} is disabled`);
    item.click?.(item, undefined, {});
  }
}

export const Menu = {
  buildFromTemplate(template: FakeMenuItemOptions[]): FakeMenu {
    record('Menu.buildFromTemplate', template);
    return new FakeMenu(template);
  },
};

export class Tray extends EventEmitter {
  static readonly instances: Tray[] = [];
  image: FakeNativeImage;
  tooltip = '';
  contextMenu: FakeMenu | null = null;
  destroyed = false;

  constructor(image: FakeNativeImage | string) {
    super();
    record('new Tray', image);
    this.image = typeof image === 'string' ? nativeImage.createFromPath(image) : image;
    Tray.instances.push(this);
  }

  setImage(image: FakeNativeImage | string): void {
    this.image = typeof image === 'string' ? nativeImage.createFromPath(image) : image;
  }

  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
  }

  setContextMenu(menu: FakeMenu | null): void {
    this.contextMenu = menu;
  }

  destroy(): void {
    this.destroyed = true;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

// ---------- Notification ----------

export class Notification extends EventEmitter {
  static readonly instances: Notification[] = [];
  /** What `Notification.isSupported()` answers. */
  static supported = true;

  static isSupported(): boolean {
    return Notification.supported;
  }

  shown = false;
  closed = false;

  constructor(
    readonly options: {
      id?: string;
      title?: string;
      body?: string;
      silent?: boolean;
      urgency?: 'low' | 'normal' | 'critical';
      timeoutType?: 'default' | 'never';
      actions?: Array<{ type: 'button' | 'selection'; text?: string }>;
    } = {},
  ) {
    super();
    record('new Notification', options);
    Notification.instances.push(this);
  }

  show(): void {
    record('Notification.show', this.options.title);
    this.shown = true;
    // Electron reports `show` asynchronously, once the OS has the pop-up.
    setImmediate(() => this.emit('show', {}));
  }

  /** The app closes it: Electron may emit `close` (not guaranteed; the fake does, at once). */
  close(): void {
    record('Notification.close', this.options.title);
    this.closed = true;
    this.emit('close', {});
  }

  /** The person clicks the pop-up. */
  click(): void {
    this.emit('click', {});
  }

  /** The person presses the button at `index` of `options.actions` (macOS, Windows). */
  pressAction(index: number): void {
    this.emit('action', { actionIndex: index, selectionIndex: -1 }, index, -1);
  }

  /** The pop-up leaves without the app: the person closed it, or (Windows) it timed out. */
  dismiss(reason?: 'userCanceled' | 'timedOut'): void {
    this.closed = true;
    this.emit('close', reason === undefined ? {} : { reason });
  }
}

// ---------- IPC ----------

export interface FakeIpcEvent {
  sender: FakeWebContents;
  senderFrame: FakeWebFrameMain | null;
  processId: number;
  frameId: number;
}

type InvokeHandler = (event: FakeIpcEvent, ...args: unknown[]) => unknown;

export class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) {
      // Electron refuses a second handler for one channel.
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    record('ipcMain.handle', channel);
    this.handlers.set(channel, handler);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** Calls a handler as Electron does for `ipcRenderer.invoke`: a thrown error rejects. */
  async invoke(channel: string, event: FakeIpcEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return await handler(event, ...args);
  }
}

export function ipcEventFrom(
  webContents: FakeWebContents,
  frameUrl?: string,
): FakeIpcEvent & { senderFrame: FakeWebFrameMain } {
  const frame =
    frameUrl === undefined
      ? webContents.mainFrame
      : new FakeWebFrameMain(frameUrl, webContents.mainFrame.routingId + 1000);
  return { sender: webContents, senderFrame: frame, processId: 1, frameId: frame.routingId };
}

export class FakeIpcRenderer extends EventEmitter {
  /** The page this preload runs in: invokes come from it, its `send`s arrive here. */
  page: FakeWebContents | null = null;

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    if (!this.page) return Promise.reject(new Error('The fake ipcRenderer has no page'));
    return ipcMain.invoke(channel, ipcEventFrom(this.page), ...args);
  }

  send(channel: string, ...args: unknown[]): void {
    if (!this.page) throw new Error('The fake ipcRenderer has no page');
    ipcMain.emit(channel, ipcEventFrom(this.page), ...args);
  }
}

export class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();

  exposeInMainWorld(key: string, api: unknown): void {
    record('contextBridge.exposeInMainWorld', key);
    if (this.exposed.has(key))
      throw new Error(`Cannot bind an API on top of an existing property: ${key}`);
    this.exposed.set(key, api);
  }
}

// ---------- shell, powerMonitor, dialog ----------

export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    record('shell.openExternal', url);
    shell.opened.push(url);
    return Promise.resolve();
  },
};

export const dialog = {
  showErrorBox(title: string, content: string): void {
    record('dialog.showErrorBox', title, content);
  },
};

export class FakePowerMonitor extends EventEmitter {}

// ---------- safeStorage ----------

/** `safeStorage.getSelectedStorageBackend()`'s answers (Linux). */
export type FakeStorageBackend =
  'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

/**
 * The OS keychain behind `safeStorage`, with real cryptography (AES-256-GCM under a key only
 * this object holds, a `v11` prefix as Chromium writes), so a test reading the file sees bytes,
 * not the secret. Tests make it unavailable (`available = false`), a Linux desktop without a
 * secret service (`backend = 'basic_text'`), another keychain (`replaceKey()`: what was sealed
 * before no longer opens), or one whose key was rotated (`rotated = true`).
 */
export class FakeSafeStorage {
  available = true;
  backend: FakeStorageBackend = 'gnome_libsecret';
  /** The next decryptions answer `shouldReEncrypt: true`, as after a key rotation. */
  rotated = false;
  #key = randomBytes(32);

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  isAsyncEncryptionAvailable(): Promise<boolean> {
    return Promise.resolve(this.available);
  }

  getSelectedStorageBackend(): FakeStorageBackend {
    return this.backend;
  }

  encryptString(plainText: string): Buffer {
    record('safeStorage.encryptString');
    if (!this.available) {
      throw new Error(
        'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
      );
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const sealed = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), sealed]);
  }

  decryptString(encrypted: Buffer): string {
    record('safeStorage.decryptString');
    const failure = new Error(
      'Error while decrypting the ciphertext provided to safeStorage.decryptString.',
    );
    if (!this.available || encrypted.subarray(0, 3).toString() !== 'v11') throw failure;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, encrypted.subarray(3, 15));
      decipher.setAuthTag(encrypted.subarray(15, 31));
      return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw failure;
    }
  }

  encryptStringAsync(plainText: string): Promise<Buffer> {
    // A throw in the executor rejects, as Electron's promise does.
    return new Promise((resolve) => resolve(this.encryptString(plainText)));
  }

  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    return new Promise((resolve) =>
      resolve({ result: this.decryptString(encrypted), shouldReEncrypt: this.rotated }),
    );
  }

  /** Another keychain (a new OS account, a reset keyring): earlier ciphertexts stop opening. */
  replaceKey(): void {
    this.#key = randomBytes(32);
  }
}

// ---------- module exports, as `import { app } from 'electron'` sees them ----------

export let app = new FakeApp();
export const session = { defaultSession: new FakeSession() };
export let ipcMain = new FakeIpcMain();
export let ipcRenderer = new FakeIpcRenderer();
export let contextBridge = new FakeContextBridge();
export let powerMonitor = new FakePowerMonitor();
/** `protocol`: the default session's, plus `registerSchemesAsPrivileged`, as in Electron. */
export let protocol = session.defaultSession.protocol;
export let safeStorage = new FakeSafeStorage();

/** Fresh objects for the next test (the module-level ones are shared, as in Electron). */
export function resetFakeElectron(): void {
  recorded.length = 0;
  app = new FakeApp();
  session.defaultSession = new FakeSession();
  protocol = session.defaultSession.protocol;
  privilegedSchemes.length = 0;
  ipcMain = new FakeIpcMain();
  ipcRenderer = new FakeIpcRenderer();
  contextBridge = new FakeContextBridge();
  powerMonitor = new FakePowerMonitor();
  safeStorage = new FakeSafeStorage();
  BrowserWindow.instances.length = 0;
  Tray.instances.length = 0;
  Notification.instances.length = 0;
  Notification.supported = true;
  shell.opened.length = 0;
}
