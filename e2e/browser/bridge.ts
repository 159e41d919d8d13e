import type { Page } from '@playwright/test';
import { invokeCalls, mainEventChannels, type InvokeName, type MainEvents } from '../../common';
import type { Companion } from '../../main/core/companion-api';
import type { Logger } from '../../main/core/ports';
import { answerCall, companionCalls } from '../../main/electron/ipc-answer';

/**
 * Bridges `window.api` in a browser page to a REAL core running in the test process, through the
 * same contract the Electron preload implements: one `page.exposeFunction` per invoke name (the
 * arguments validated with the contract's zod schema, the answer an `IpcResponse`), and an init
 * script that builds `window.api` with named methods, `ready()` and `on…` subscriptions. Events
 * from the core reach the page with `page.evaluate`, held back until the window says `ready()`
 * (as main does), and re-held after every navigation.
 */

const invokePrefix = '__ringsideInvoke_';
const readyFunction = '__ringsideReady';

interface BridgeGlobals {
  __ringsideBridge: { deliver(name: string, payload: unknown): void };
}

/** The page side, run before any page script. Self-contained: it is serialised into the page. */
function installBridge(setup: {
  invokeNames: string[];
  eventNames: string[];
  invokePrefix: string;
  readyFunction: string;
}) {
  const scope = globalThis as unknown as Record<string, unknown>;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const api: Record<string, unknown> = {};
  for (const name of setup.invokeNames) {
    const exposed = scope[`${setup.invokePrefix}${name}`] as (args: unknown) => Promise<unknown>;
    api[name] = (args?: unknown) => exposed(args === undefined ? null : args);
  }
  for (const name of setup.eventNames) {
    listeners.set(name, new Set());
    api[`on${name.slice(0, 1).toUpperCase()}${name.slice(1)}`] = (
      listener: (payload: unknown) => void,
    ) => {
      if (typeof listener !== 'function') throw new TypeError('A listener must be a function');
      listeners.get(name)?.add(listener);
      return () => listeners.get(name)?.delete(listener);
    };
  }
  api['ready'] = () => {
    void (scope[setup.readyFunction] as () => Promise<void>)();
  };
  // Like contextBridge: a frozen object the page cannot replace.
  Object.defineProperty(scope, 'api', {
    value: Object.freeze(api),
    writable: false,
    configurable: false,
  });
  Object.defineProperty(scope, '__ringsideBridge', {
    value: Object.freeze({
      deliver(name: string, payload: unknown) {
        for (const listener of listeners.get(name) ?? []) listener(payload);
      },
    }),
    writable: false,
    configurable: false,
  });
}

/** Installs the bridge on `page` (before it loads anything) and forwards the core's events. */
export async function bridgePage(
  page: Page,
  companion: Companion,
  logger: Logger,
): Promise<{ dispose(): void }> {
  let ready = false;
  let held: Array<[keyof MainEvents, unknown]> = [];
  let chain: Promise<unknown> = Promise.resolve();

  function deliver(name: keyof MainEvents, payload: unknown) {
    chain = chain
      .then(() =>
        page.evaluate(
          ([eventName, value]) =>
            (globalThis as unknown as BridgeGlobals).__ringsideBridge.deliver(eventName, value),
          [name, payload] as const,
        ),
      )
      // A closed or navigating page drops the event; the window reloads its snapshots on ready().
      .catch(() => undefined);
  }

  function send<Name extends keyof MainEvents>(name: Name, payload: MainEvents[Name]) {
    if (ready) deliver(name, payload);
    else held.push([name, payload]);
  }

  // Answered as main answers (ipc-answer.ts); the sender checks have no browser equivalent.
  const calls = companionCalls(companion);
  for (const name of Object.keys(invokeCalls) as InvokeName[]) {
    await page.exposeFunction(`${invokePrefix}${name}`, (args: unknown) =>
      answerCall(calls, name, args === null ? undefined : args, logger),
    );
  }
  await page.exposeFunction(readyFunction, () => {
    ready = true;
    const pending = held;
    held = [];
    for (const [name, payload] of pending) deliver(name, payload);
  });
  await page.addInitScript(installBridge, {
    invokeNames: Object.keys(invokeCalls),
    eventNames: Object.keys(mainEventChannels),
    invokePrefix,
    readyFunction,
  });
  // A new document subscribes again and says `ready()` again; a route change inside the page
  // (`#/lines`, as Electron's did-navigate-in-page) keeps the same document and subscriptions.
  let documentUrl: string | null = null;
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    const url = frame.url().replace(/#.*$/, '');
    const sameDocument = url === documentUrl;
    documentUrl = url;
    if (sameDocument) return;
    ready = false;
    held = [];
  });

  const unsubscribes = [
    companion.connection.subscribe((value) => send('connectionChanged', value)),
    companion.sync.subscribe((value) => send('syncChanged', value)),
    companion.preferences.subscribe((value) => {
      if (value) send('preferencesChanged', value);
    }),
    companion.health.subscribe((value) => send('healthChanged', value)),
    companion.catchUp.subscribe((value) => send('catchUpChanged', value)),
    companion.unread.subscribe((unread) => send('notificationsChanged', { unread })),
    companion.onDecision((item) => send('activityAdded', item)),
    companion.onActivityUpdated((item) => send('activityAdded', item)),
    companion.onOpenItem((itemId) => send('navigate', { section: 'notifications', itemId })),
  ];
  return {
    dispose() {
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}
