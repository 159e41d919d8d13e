import {
  ObservableValue,
  type Logger,
  type SystemDoNotDisturb,
  type SystemDoNotDisturbState,
} from '../../ports';
import { notificationsInterface, notificationsName, notificationsPath } from './freedesktop';
import type { DaemonFacts } from './freedesktop';
import { versionNumbers } from './freedesktop';
import type { GnomeBannersWatch } from './gnome-banners';
import type { BusSignal, SessionBus } from './session-bus';

/**
 * The desktop's own do-not-disturb, read from the notification daemon on the session bus:
 *
 * - dunst: its `paused` property (`org.dunstproject.cmd0`), read when dunst appears, followed
 *   by `PropertiesChanged` (dunst 1.9, the version on this machine, sends it); for an older
 *   dunst it is read afresh when a pop-up is due.
 * - KDE Plasma: the `Inhibited` property of `org.freedesktop.Notifications`, read afresh when
 *   a pop-up is due (its change signal is not checked here).
 * - GNOME Shell: `show-banners` off (gnome-banners.ts: one `gsettings` watch while it is the
 *   daemon).
 *
 * Any of them on is "on". Other daemons (mako, swaync, xfce4-notifyd) keep their state
 * elsewhere and are not read.
 */

const dunstInterface = 'org.dunstproject.cmd0';
const propertiesInterface = 'org.freedesktop.DBus.Properties';

type SourceName = 'dunst' | 'plasma' | 'gnome';

const words: Record<SourceName, string> = {
  dunst: 'dunst is paused',
  plasma: "Plasma's do-not-disturb is on",
  gnome: "GNOME's notification banners are off",
};

interface BusProperty {
  source: SourceName;
  interfaceName: string;
  property: string;
  /** The daemon says when it changes: no need to read it before each pop-up. */
  announces: boolean;
}

export class DesktopDoNotDisturb implements SystemDoNotDisturbState {
  readonly #state = new ObservableValue<SystemDoNotDisturb>({ on: false, source: null });
  readonly #on = new Set<SourceName>();
  readonly #logger: Logger | undefined;
  readonly #watchGnome: (onChange: (showBanners: boolean) => void) => GnomeBannersWatch;
  #bus: SessionBus | null = null;
  #properties: BusProperty[] = [];
  #gnome: GnomeBannersWatch | null = null;
  /** Bumped at each attach and detach: a late answer for a daemon that left is dropped. */
  #generation = 0;

  constructor(options: {
    logger?: Logger;
    watchGnomeBanners: (onChange: (showBanners: boolean) => void) => GnomeBannersWatch;
  }) {
    this.#logger = options.logger;
    this.#watchGnome = options.watchGnomeBanners;
  }

  get(): SystemDoNotDisturb {
    return this.#state.get();
  }

  subscribe(listener: (value: SystemDoNotDisturb) => void): () => void {
    return this.#state.subscribe(listener);
  }

  async current(): Promise<SystemDoNotDisturb> {
    const unannounced = this.#properties.filter((property) => !property.announces);
    if (unannounced.length > 0 && this.#bus) {
      const generation = this.#generation;
      await Promise.all(unannounced.map((property) => this.#read(property, generation)));
    }
    return this.#state.get();
  }

  /** A daemon owns the name now: find which of the known states it has, and read them. */
  async attach(bus: SessionBus, facts: DaemonFacts): Promise<void> {
    this.detach();
    const generation = this.#generation;
    this.#bus = bus;
    const [major, minor] = versionNumbers(facts.version);
    const candidates: BusProperty[] = [
      {
        source: 'dunst',
        interfaceName: dunstInterface,
        property: 'paused',
        announces: facts.name === 'dunst' && (major > 1 || (major === 1 && minor >= 9)),
      },
      {
        source: 'plasma',
        interfaceName: notificationsInterface,
        property: 'Inhibited',
        announces: false,
      },
    ];
    const found = await Promise.all(
      candidates.map(async (property) =>
        (await this.#read(property, generation)) ? property : null,
      ),
    );
    if (generation !== this.#generation) return;
    this.#properties = found.filter((property): property is BusProperty => property !== null);
    if (facts.name === 'gnome-shell') {
      this.#gnome = this.#watchGnome((showBanners) => {
        if (generation === this.#generation) this.#set('gnome', !showBanners);
      });
    }
    this.#logger?.info('System do-not-disturb sources', {
      daemon: facts.name,
      read: [
        ...this.#properties.map((property) => property.source),
        ...(this.#gnome ? ['gnome'] : []),
      ],
    });
  }

  /** The daemon left: nothing is known to be on any more. */
  detach(): void {
    this.#generation += 1;
    this.#bus = null;
    this.#properties = [];
    this.#gnome?.stop();
    this.#gnome = null;
    this.#on.clear();
    this.#publish();
  }

  /** A `PropertiesChanged` from the daemon. */
  handle(signal: BusSignal): void {
    if (signal.interfaceName !== propertiesInterface || signal.member !== 'PropertiesChanged') {
      return;
    }
    const [interfaceName, changed] = signal.body as [unknown, unknown];
    if (typeof changed !== 'object' || changed === null) return;
    for (const property of this.#properties) {
      if (property.interfaceName !== interfaceName) continue;
      const value = (changed as Record<string, { value?: unknown } | undefined>)[property.property]
        ?.value;
      if (typeof value === 'boolean') this.#set(property.source, value);
    }
  }

  /** Reads one property; false when the daemon does not have it. */
  async #read(property: BusProperty, generation: number): Promise<boolean> {
    const bus = this.#bus;
    if (!bus) return false;
    try {
      const [variant] = (await bus.call({
        destination: notificationsName,
        path: notificationsPath,
        interfaceName: propertiesInterface,
        member: 'Get',
        signature: 'ss',
        body: [property.interfaceName, property.property],
      })) as [{ value?: unknown } | undefined];
      const value = variant?.value;
      if (typeof value !== 'boolean') return false;
      if (generation === this.#generation) this.#set(property.source, value);
      return true;
    } catch {
      return false;
    }
  }

  #set(source: SourceName, on: boolean): void {
    if (on === this.#on.has(source)) return;
    if (on) this.#on.add(source);
    else this.#on.delete(source);
    this.#publish();
  }

  #publish(): void {
    const first = (['dunst', 'plasma', 'gnome'] as const).find((source) => this.#on.has(source));
    const next: SystemDoNotDisturb = first
      ? { on: true, source: words[first] }
      : { on: false, source: null };
    const now = this.#state.get();
    if (now.on !== next.on || now.source !== next.source) this.#state.set(next);
  }
}
