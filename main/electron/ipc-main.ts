import { ipcMain } from 'electron';
import {
  invokeCalls,
  mainEventChannels,
  rendererMessages,
  type IpcResponse,
  type InvokeName,
  type MainEvents,
} from '../../common';
import type { CompanionCalls } from '../core/companion-api';
import type { Logger } from '../core/ports';
import type { WebContentsPort } from './electron-ports';
import { answerCall, failure } from './ipc-answer';

export { companionCalls } from './ipc-answer';

/**
 * The one typed wrapper around `ipcMain` (Zulip's typed-ipc-main, Fiddle's ipc.ts): the only
 * file allowed to import it (lint: no-restricted-imports). It registers one handler per entry of
 * `invokeCalls`, and for every call it
 *   1. refuses a sender that is not one of our windows, or whose frame is not the top frame
 *      showing our own page (its URL and its origin both),
 *   2. validates the arguments with the contract's zod schema (field errors, never a crash),
 *   3. calls the matching Companion method and answers an `IpcResponse` — a `CompanionError`
 *      becomes an error answer; nothing is ever thrown across IPC.
 * Events to a window are held until that window's page says `ready`.
 */

/** The parts of an IPC event the checks read (Electron's IpcMainInvokeEvent has them). */
export interface IpcEventPort {
  sender: { id: number };
  /** Electron's WebFrameMain: `parent` is null for the top frame; `origin` is RFC 6454's. */
  senderFrame: { url: string; origin: string; parent: unknown } | null;
}

export interface IpcMainPort {
  handle(channel: string, handler: (event: IpcEventPort, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventPort, ...args: unknown[]) => void): unknown;
  removeListener(
    channel: string,
    listener: (event: IpcEventPort, ...args: unknown[]) => void,
  ): unknown;
}

/** Decides whether a URL is one of our own pages (see OwnPages). */
export interface PageTrust {
  isOwnDocument(url: string): boolean;
  /** Whether `origin` is what our document at `url` has (a frame's origin can differ from its URL's). */
  isOwnOrigin(origin: string, url: string): boolean;
}

export interface TypedIpcMainOptions {
  ipcMain: IpcMainPort;
  /** One function per invoke name: the Companion's methods, with shell overrides. */
  calls: CompanionCalls;
  pages: PageTrust;
  logger: Logger;
}

type AnyEvent = {
  [Name in keyof MainEvents]: { name: Name; payload: MainEvents[Name] };
}[keyof MainEvents];

interface RegisteredWindow {
  webContents: WebContentsPort;
  ready: boolean;
  held: AnyEvent[];
}

/** At most this many events wait for a window that never becomes ready (a crashed page). */
const maximumHeldEvents = 500;

export class TypedIpcMain {
  readonly #options: TypedIpcMainOptions;
  readonly #windows = new Map<number, RegisteredWindow>();
  readonly #channels: string[] = [];
  readonly #onReady = (event: IpcEventPort): void => this.#markReady(event);

  constructor(options: TypedIpcMainOptions) {
    this.#options = options;
  }

  /** Registers every handler of the contract and the `ready` message. */
  start(): void {
    const { ipcMain: port } = this.#options;
    for (const name of Object.keys(invokeCalls) as InvokeName[]) {
      const channel = invokeCalls[name].channel;
      port.handle(channel, (event, ...args) => this.answer(name, event, args));
      this.#channels.push(channel);
    }
    port.on(rendererMessages.ready.channel, this.#onReady);
  }

  stop(): void {
    const { ipcMain: port } = this.#options;
    for (const channel of this.#channels.splice(0)) port.removeHandler(channel);
    port.removeListener(rendererMessages.ready.channel, this.#onReady);
  }

  /** A window of ours: its page may call IPC (once it shows our page) and receives events. */
  registerWindow(webContents: WebContentsPort): void {
    const registered: RegisteredWindow = { webContents, ready: false, held: [] };
    this.#windows.set(webContents.id, registered);
    // A reload or a new document loses the page's subscriptions: hold events again until it
    // says ready. (In-page navigations — a hash route — keep the document and do not count.)
    webContents.on('did-navigate', () => {
      registered.ready = false;
    });
    webContents.on('destroyed', () => this.#windows.delete(webContents.id));
  }

  isReady(webContentsId: number): boolean {
    return this.#windows.get(webContentsId)?.ready ?? false;
  }

  /** Sends an event to every window (or one), holding it where the page is not ready yet. */
  send<Name extends keyof MainEvents>(
    name: Name,
    payload: MainEvents[Name],
    webContentsId?: number,
  ): void {
    const event = { name, payload } as AnyEvent;
    for (const registered of this.#windows.values()) {
      if (webContentsId !== undefined && registered.webContents.id !== webContentsId) continue;
      if (registered.ready) this.#deliver(registered, event);
      else {
        registered.held.push(event);
        if (registered.held.length > maximumHeldEvents) registered.held.shift();
      }
    }
  }

  /** Answers one invoke; public so the sender and argument checks can be tested directly. */
  async answer(
    name: InvokeName,
    event: IpcEventPort,
    args: unknown[],
  ): Promise<IpcResponse<unknown>> {
    const { logger } = this.#options;
    const refusal = this.#senderRefusal(event);
    if (refusal !== null) {
      logger.warn('ipc: refused a call from a foreign sender', { call: name, reason: refusal });
      return failure('forbidden', `This window may not call ${name}.`);
    }
    if (args.length > 1) {
      return failure('invalidArguments', `${name} takes one argument object, got ${args.length}.`);
    }
    return answerCall(this.#options.calls, name, args[0], logger);
  }

  #senderRefusal(event: IpcEventPort): string | null {
    if (!this.#windows.has(event.sender.id)) return 'not one of our windows';
    const frame = event.senderFrame;
    if (frame === null) return 'the frame is gone';
    // Only the window's top frame: an iframe (even of our own page) never speaks for the window.
    if (frame.parent !== null) return 'a subframe';
    if (!this.#options.pages.isOwnDocument(frame.url))
      return `foreign page ${frame.url.slice(0, 200)}`;
    if (!this.#options.pages.isOwnOrigin(frame.origin, frame.url))
      return `foreign origin ${frame.origin.slice(0, 200)}`;
    return null;
  }

  #markReady(event: IpcEventPort): void {
    if (this.#senderRefusal(event) !== null) return;
    const registered = this.#windows.get(event.sender.id);
    if (!registered) return;
    registered.ready = true;
    for (const held of registered.held.splice(0)) this.#deliver(registered, held);
  }

  #deliver(registered: RegisteredWindow, event: AnyEvent): void {
    if (registered.webContents.isDestroyed()) return;
    registered.webContents.send(mainEventChannels[event.name], event.payload);
  }
}

/** The wrapper over Electron's own `ipcMain` (the shared fake in tests). */
export function createTypedIpcMain(options: Omit<TypedIpcMainOptions, 'ipcMain'>): TypedIpcMain {
  return new TypedIpcMain({ ...options, ipcMain });
}
