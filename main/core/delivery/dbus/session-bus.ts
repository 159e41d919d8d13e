import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as dbus from '@jellybrick/dbus-next';

/**
 * One connection to the session D-Bus, with the few things the notifier needs and a time limit
 * on every one of them: a daemon that hangs (the freeze Electron shows on Linux when no
 * notification daemon answers) must never hold the companion. Nothing here spawns a process.
 */

/** A signal as it arrived: `sender` is the unique name of whoever sent it. */
export interface BusSignal {
  sender: string;
  path: string;
  interfaceName: string;
  member: string;
  body: readonly unknown[];
}

/** A call the bus or the other side refused (`name` is the D-Bus error name), or a timeout. */
export class BusCallError extends Error {
  constructor(
    message: string,
    readonly errorName: string | null,
  ) {
    super(message);
    this.name = 'BusCallError';
  }
}

export interface BusCall {
  destination: string;
  path: string;
  interfaceName: string;
  member: string;
  signature?: string;
  body?: unknown[];
}

/**
 * Where the session bus is: `DBUS_SESSION_BUS_ADDRESS`, else the socket systemd keeps at
 * `$XDG_RUNTIME_DIR/bus`; null when there is none (a server, a bare container, macOS).
 */
export function sessionBusAddress(environment: NodeJS.ProcessEnv): string | null {
  const address = environment['DBUS_SESSION_BUS_ADDRESS'];
  if (address) return address;
  const runtime = environment['XDG_RUNTIME_DIR'];
  if (runtime && existsSync(join(runtime, 'bus'))) return `unix:path=${join(runtime, 'bus')}`;
  return null;
}

function withTimeout<Value>(work: Promise<Value>, milliseconds: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new BusCallError(`${what} got no answer within ${milliseconds} ms`, null)),
      milliseconds,
    );
    timer.unref();
  });
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
}

export class SessionBus {
  readonly #bus: dbus.MessageBus;
  readonly #timeout: number;
  readonly #signals = new Set<(signal: BusSignal) => void>();
  readonly #lost = new Set<(reason: string) => void>();
  #closed = false;

  private constructor(bus: dbus.MessageBus, timeoutMilliseconds: number) {
    this.#bus = bus;
    this.#timeout = timeoutMilliseconds;
    bus.on('message', (message) => {
      if (message.type !== dbus.MessageType.SIGNAL) return;
      const signal: BusSignal = {
        sender: message.sender,
        path: message.path,
        interfaceName: message.interface,
        member: message.member,
        body: message.body,
      };
      for (const listener of [...this.#signals]) listener(signal);
    });
  }

  /**
   * Connects and says hello, within `timeoutMilliseconds`; rejects with the reason otherwise
   * (no socket, refused, a bus that does not answer).
   */
  static connect(address: string, timeoutMilliseconds: number): Promise<SessionBus> {
    let bus: dbus.MessageBus;
    try {
      bus = dbus.sessionBus({ busAddress: address });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const connected = new Promise<SessionBus>((resolve, reject) => {
      const session = new SessionBus(bus, timeoutMilliseconds);
      // Unhandled, an 'error' event would crash the process: every one ends this connection.
      // (The library's event map leaves 'error' out, though it emits it.)
      (bus as unknown as NodeJS.EventEmitter).on('error', (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        reject(new Error(reason));
        session.#lose(reason);
      });
      bus.once('connect', () => resolve(session));
    });
    return withTimeout(connected, timeoutMilliseconds, 'the session D-Bus').catch(
      (error: unknown) => {
        bus.disconnect();
        throw error;
      },
    );
  }

  /** Our unique name on the bus (":1.42"). */
  get uniqueName(): string | null {
    return this.#bus.name;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Calls a method and resolves with the reply's body; rejects with a `BusCallError`. */
  async call(call: BusCall): Promise<unknown[]> {
    if (this.#closed) throw new BusCallError('the session D-Bus connection is closed', null);
    const message = new dbus.Message({
      destination: call.destination,
      path: call.path,
      interface: call.interfaceName,
      member: call.member,
      signature: call.signature ?? '',
      body: call.body ?? [],
    });
    try {
      const reply = await withTimeout(this.#bus.call(message), this.#timeout, call.member);
      return reply?.body ?? [];
    } catch (error) {
      if (error instanceof BusCallError) throw error;
      if (error instanceof dbus.DBusError) {
        throw new BusCallError(`${error.type}: ${error.text}`, error.type);
      }
      // The stream closed under us: this connection is over.
      const reason = error instanceof Error ? error.message : String(error);
      this.#lose(reason);
      throw new BusCallError(reason, null);
    }
  }

  /** Asks the bus to route the signals that match `rule` here. */
  async addMatch(rule: string): Promise<void> {
    await this.call({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interfaceName: 'org.freedesktop.DBus',
      member: 'AddMatch',
      signature: 's',
      body: [rule],
    });
  }

  onSignal(listener: (signal: BusSignal) => void): () => void {
    this.#signals.add(listener);
    return () => this.#signals.delete(listener);
  }

  /** The connection broke (the bus went away, an error): called once, with the reason. */
  onLost(listener: (reason: string) => void): () => void {
    this.#lost.add(listener);
    return () => this.#lost.delete(listener);
  }

  disconnect(): void {
    this.#closed = true;
    this.#signals.clear();
    this.#lost.clear();
    this.#bus.disconnect();
  }

  #lose(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of [...this.#lost]) listener(reason);
    this.#lost.clear();
    this.#signals.clear();
    this.#bus.disconnect();
  }
}
