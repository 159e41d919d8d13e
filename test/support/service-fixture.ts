import { join } from 'node:path';
import {
  eventPageSchema,
  outboxPageSchema,
  pushedEventSchema,
  type OutboxEntry,
  type PushedEvent,
  type UserAlertType,
  type UserPreferences,
} from '../../common';
import { startService, type RunningService } from '../../service';
import {
  callApi,
  connectWithHandshake,
  editPreferencesOverHttp,
  type RecordedMessage,
  type TestDevice,
} from './service-test-client';
import { ManualClock } from './manual-clock';

/** How a test device connects: protocol 2 (this companion) unless told otherwise. */
export interface ConnectOptions {
  deviceId?: string;
  afterSeq?: number;
  /** Leave out for a protocol-1 (older) companion. */
  protocol?: number | null;
  epoch?: string | null;
}

/**
 * The stand-in service on a database file in `folder` (a `temporaryFolder()` of
 * `cleanupAfterEach`), with the one `ManualClock`, so a test moves time by hand: restart it on the
 * same file, read a user's stream and outbox over HTTP, connect devices. Used by the service's
 * issue-11 tests (derived alerts, reminders, protocol 2, test notifications).
 */
export class ServiceFixture {
  readonly databasePath: string;
  readonly clock: ManualClock;
  readonly #devices: TestDevice[] = [];
  #service: RunningService | null = null;

  constructor(folder: string, start = Date.parse('2026-11-23T15:00:00.000Z')) {
    this.databasePath = join(folder, 'service.sqlite');
    this.clock = new ManualClock(start);
  }

  get service(): RunningService {
    if (!this.#service) throw new Error('The service is not running');
    return this.#service;
  }

  /** Starts the service on the fixture's file (the port is any free one unless given). */
  async start(port = 0): Promise<RunningService> {
    this.#service = await startService({
      databasePath: this.databasePath,
      clock: this.clock,
      port,
    });
    return this.#service;
  }

  /**
   * Closes the service and starts it again on the same file (on another free port: a pooled
   * keep-alive connection of `fetch` to the old port would meet a closed socket).
   */
  async restart(): Promise<RunningService> {
    await this.stop();
    return this.start();
  }

  /** Closes the devices it connected and the service (if running). */
  async stop(): Promise<void> {
    for (const device of this.#devices.splice(0)) device.close();
    await this.#service?.close();
    this.#service = null;
  }

  token(key: string): string {
    const token = this.service.tokens[key];
    if (!token) throw new Error(`No demo user ${key}`);
    return token;
  }

  /** Every stored event of a user, as GET /api/events pages them. */
  async events(key: string): Promise<PushedEvent[]> {
    const events: PushedEvent[] = [];
    for (;;) {
      const after = events.at(-1)?.seq ?? 0;
      const answer = await callApi(
        this.service.url,
        this.token(key),
        'GET',
        `/api/events?afterSeq=${after}&limit=1000`,
      );
      const page = eventPageSchema.parse(answer.body);
      events.push(...page.events);
      if (page.events.length === 0 || events.at(-1)?.seq === page.lastSeq) return events;
    }
  }

  /** Every outbox row of a user, oldest first. */
  async outbox(key: string): Promise<OutboxEntry[]> {
    const answer = await callApi(
      this.service.url,
      this.token(key),
      'GET',
      '/api/outbox?limit=1000',
    );
    return outboxPageSchema.parse(answer.body).entries;
  }

  /** Changes a user's preferences as their companion would (GET, edit, PUT with If-Match). */
  async editPreferences(key: string, edit: (preferences: UserPreferences) => void): Promise<void> {
    await editPreferencesOverHttp(this.service.url, this.token(key), edit);
  }

  /**
   * Turns a user's text channel on (their backup phone receives the texts), and email and SMS
   * for each of `types` (per-type channels; the others keep theirs).
   */
  async enableTexts(key: string, ...types: UserAlertType[]): Promise<void> {
    await this.editPreferences(key, (preferences) => {
      preferences.channels.text.enabled = true;
      for (const type of types) {
        preferences.alertChannels[type] = { desktop: true, inApp: true, email: true, text: true };
      }
    });
  }

  /** Connects a device of the user; closed by `stop`. */
  async connect(key: string, options: ConnectOptions = {}): Promise<TestDevice> {
    const { protocol = 2, ...rest } = options;
    const device = await connectWithHandshake(this.service.url, {
      token: this.token(key),
      afterSeq: 0,
      deviceId: 'device-test',
      ...(protocol === null ? {} : { protocol }),
      ...rest,
    });
    this.#devices.push(device);
    return device;
  }
}

/** The events a device received, validated as protocol 2 pushes them. */
export function pushedEvents(device: TestDevice): PushedEvent[] {
  return device.payloads('event').map((payload) => pushedEventSchema.parse(payload));
}

/** A predicate: the device has received an event with this id. */
export function hasEvent(id: string) {
  return (messages: RecordedMessage[]) =>
    messages.some(
      (message) =>
        message.name === 'event' &&
        typeof message.payload === 'object' &&
        message.payload !== null &&
        (message.payload as { id?: unknown }).id === id,
    );
}
