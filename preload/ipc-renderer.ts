import { ipcRenderer } from 'electron';
import {
  invokeCalls,
  mainEventChannels,
  rendererMessages,
  type IpcResponse,
  type InvokeArgs,
  type InvokeName,
  type InvokeResult,
  type MainEvents,
} from '../common';

/**
 * The one typed wrapper around `ipcRenderer` (Zulip's typed-ipc-renderer): the only preload file
 * allowed to import it (lint: no-restricted-imports). Channels come from the contract, so the
 * page can only reach the calls and events listed there; the raw event object (which carries
 * `sender`) never reaches the page.
 */

export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface TypedIpcRenderer {
  invoke<Name extends InvokeName>(
    name: Name,
    args: InvokeArgs<Name>,
  ): Promise<IpcResponse<InvokeResult<Name>>>;
  ready(): void;
  subscribe<Name extends keyof MainEvents>(
    name: Name,
    listener: (payload: MainEvents[Name]) => void,
  ): () => void;
}

export function createTypedIpcRenderer(port: IpcRendererPort = ipcRenderer): TypedIpcRenderer {
  return {
    async invoke(name, args) {
      try {
        const answer =
          args === undefined
            ? await port.invoke(invokeCalls[name].channel)
            : await port.invoke(invokeCalls[name].channel, args);
        return answer as IpcResponse<InvokeResult<typeof name>>;
      } catch (error) {
        // Main never throws across IPC; a rejection means no handler (main not started yet).
        return {
          ok: false,
          error: { code: 'unavailable', message: `${name} is not available: ${String(error)}` },
        };
      }
    },
    ready() {
      port.send(rendererMessages.ready.channel);
    },
    subscribe(name, listener) {
      const channel = mainEventChannels[name];
      const forward = (_event: unknown, payload: unknown) =>
        listener(payload as MainEvents[typeof name]);
      port.on(channel, forward);
      return () => {
        port.removeListener(channel, forward);
      };
    },
  };
}
