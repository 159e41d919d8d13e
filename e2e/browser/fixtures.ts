import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import {
  currentProtocol,
  outboxPageSchema,
  protocolHeader,
  describePolicyProblem,
  type ManagedPolicy,
  type OutboxEntry,
  type ServiceEvent,
} from '../../common';
import { createCompanion } from '../../main/core/companion';
import type { Companion } from '../../main/core/companion-api';
import { createNodeNotifier } from '../../main/core/delivery';
import { readManagedPolicy } from '../../main/core/policy';
import { createSystemClock, type Logger } from '../../main/core/ports';
import { startService, type DemoUserKey, type RunningService } from '../../service/index';
import { createRecordingLogger, type LoggedLine } from '../../test/support/recording-logger';
import { waitForValue } from '../../test/support/wait-for';
import { bridgePage } from './bridge';
import { SettingsWindow } from './models/settings-window';
import { createPopupSink, type PopupSink } from './popup-sink';

/**
 * Browser-test fixtures (Mattermost's e2e/fixtures, Joplin's integration-tests/util/test.ts):
 * every test gets a fresh data folder, a freshly seeded stand-in service on 127.0.0.1:0, the
 * REAL core signed in as `user`, a pop-up sink, and the settings window (the built renderer,
 * served by `vite preview`) bridged to that core.
 */

/** The stand-in service, which a test may stop and start again on the same database and port. */
export interface ServiceHandle {
  readonly url: string;
  readonly running: RunningService | null;
  tokenOf(user: DemoUserKey): string;
  userIdOf(user: DemoUserKey): string;
  inject(userId: string, eventBody: Record<string, unknown>): ServiceEvent[];
  /** GET /api/outbox as the owner (an admin may read anyone's). */
  outbox(userId: string): Promise<OutboxEntry[]>;
  /** GET with a user's token (speaking the current protocol); the parsed JSON body. */
  get(user: DemoUserKey, path: string): Promise<unknown>;
  /** PUT a versioned document as a user, If-Match its current version: an edit from elsewhere. */
  put(user: DemoUserKey, path: string, body: unknown, version: number): Promise<unknown>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface BrowserFixtures {
  /** Who the core signs in as; `test.use({ user: 'jordan' })`. The owner is `sam`. */
  user: DemoUserKey;
  /**
   * A managed policy as IT writes it (`test.use({ policy })`), or null: written to a file and
   * read as `--policy <file>` reads it (`readManagedPolicy`), then given to the core.
   */
  policy: Record<string, unknown> | null;
  dataDir: string;
  service: ServiceHandle;
  popups: PopupSink;
  /** The core's and the bridge's log, attached to a failed test. */
  log: Logger & { lines: LoggedLine[] };
  companion: Companion;
  settings: SettingsWindow;
}

async function startServiceHandle(folder: string): Promise<ServiceHandle> {
  const databasePath = join(folder, 'service.sqlite');
  let running: RunningService | null = await startService({
    host: '127.0.0.1',
    port: 0,
    databasePath,
  });
  const port = running.port;
  const url = running.url;
  const tokens = running.tokens;
  const users = running.users;
  const tokenOf = (user: DemoUserKey) => {
    const token = tokens[user];
    if (!token) throw new Error(`No demo user ${user}`);
    return token;
  };
  const headersOf = (user: DemoUserKey) => ({
    authorization: `Bearer ${tokenOf(user)}`,
    [protocolHeader]: String(currentProtocol),
  });
  async function get(user: DemoUserKey, path: string): Promise<unknown> {
    const response = await fetch(`${url}${path}`, { headers: headersOf(user) });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }
  async function put(
    user: DemoUserKey,
    path: string,
    body: unknown,
    version: number,
  ): Promise<unknown> {
    const response = await fetch(`${url}${path}`, {
      method: 'PUT',
      headers: {
        ...headersOf(user),
        'content-type': 'application/json',
        'if-match': `"${version}"`,
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }
  return {
    url,
    get running() {
      return running;
    },
    tokenOf,
    userIdOf(user) {
      const found = users.find((entry) => entry.key === user);
      if (!found) throw new Error(`No demo user ${user}`);
      return found.id;
    },
    inject(userId, eventBody) {
      if (!running) throw new Error('The service is stopped');
      return running.inject(userId, eventBody);
    },
    async outbox(userId) {
      return outboxPageSchema.parse(
        await get('sam', `/api/outbox?userId=${encodeURIComponent(userId)}`),
      ).entries;
    },
    get,
    put,
    async stop() {
      await running?.close();
      running = null;
    },
    async start() {
      if (running) return;
      // The same database and port: the core's service URL stays valid.
      running = await startService({ host: '127.0.0.1', port, databasePath });
    },
  };
}

/** The policy document written to `folder` and read back by the core's own reader. */
async function managedPolicy(
  folder: string,
  document: Record<string, unknown> | null,
): Promise<ManagedPolicy | null> {
  if (document === null) return null;
  const file = join(folder, 'policy.json');
  writeFileSync(file, JSON.stringify(document));
  const reading = await readManagedPolicy({ platform: process.platform, file });
  if (reading.status !== 'applied') throw new Error(describePolicyProblem(reading) ?? file);
  return reading.policy;
}

export const test = base.extend<BrowserFixtures>({
  user: ['sam', { option: true }],
  policy: [null, { option: true }],

  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const folder = mkdtempSync(join(tmpdir(), 'ringside-browser-'));
    await use(folder);
    rmSync(folder, { recursive: true, force: true });
  },

  service: async ({ dataDir }, use) => {
    const handle = await startServiceHandle(join(dataDir));
    await use(handle);
    await handle.stop();
  },

  // eslint-disable-next-line no-empty-pattern
  popups: async ({}, use) => {
    const desktop = process.env['RINGSIDE_DESKTOP_SESSION'] === '1';
    await use(createPopupSink(desktop ? createNodeNotifier({ appName: 'Ringside' }) : null));
  },

  // eslint-disable-next-line no-empty-pattern
  log: async ({}, use) => {
    await use(createRecordingLogger());
  },

  companion: async ({ user, policy, dataDir, service, popups, log: logger }, use, testInfo) => {
    const companion = createCompanion({
      policy: await managedPolicy(dataDir, policy),
      dataDir: join(dataDir, 'companion'),
      serviceUrl: service.url,
      token: service.tokenOf(user),
      notifier: popups,
      clock: createSystemClock(),
      logger,
      // Reconnect quickly after the offline test restarts the service.
      backoff: { initialMilliseconds: 100, maximumMilliseconds: 500, jitter: 0 },
      coalesceWindowMilliseconds: 50,
    });
    await companion.start();
    await waitForValue(companion.connection, (state) => state.status === 'connected');
    await waitForValue(companion.preferences, (snapshot) => snapshot !== null);
    await use(companion);
    await companion.stop();
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('core-log', {
        body: logger.lines
          .map(
            ({ level, message, fields }) =>
              `${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`,
          )
          .join('\n'),
        contentType: 'text/plain',
      });
    }
  },

  settings: async ({ page, companion, log }, use) => {
    const bridge = await bridgePage(page, companion, log);
    const window = new SettingsWindow(page);
    await window.open();
    await use(window);
    bridge.dispose();
  },
});

export { expect };
