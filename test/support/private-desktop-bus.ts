import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SessionBus } from '../../main/core/delivery/dbus/session-bus';
import { dunstHistory, type DunstEntry } from './dunst';
import { createCondition } from './wait-for';

/**
 * A session bus of a test's own (a private `dbus-daemon` with no service files: nothing owns or
 * can start `org.freedesktop.Notifications` until the test starts a daemon on it), and a dunst
 * of its own on that bus. Tests that count, pause or click pop-ups use these rather than the
 * shared desktop of tools/with-desktop.sh, where other test files show and close pop-ups at the
 * same time. dunst needs the X display of tools/with-desktop.sh.
 */

const run = promisify(execFile);

export const busDaemon = ['/usr/bin/dbus-daemon', '/bin/dbus-daemon'].find((path) =>
  existsSync(path),
);

export interface PrivateBus {
  address: string;
  /** An environment whose session bus is this one (for dunst, dunstctl, dbus-send). */
  environment: NodeJS.ProcessEnv;
  stop(): void;
}

/** Starts a bus in `folder` and resolves with its address once it listens. */
export async function startPrivateBus(folder: string): Promise<PrivateBus> {
  if (!busDaemon) throw new Error('dbus-daemon is not installed');
  const config = join(folder, 'bus.conf');
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir=${folder}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>`,
  );
  const daemon = spawn(busDaemon, [`--config-file=${config}`, '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const address = await new Promise<string>((resolve, reject) => {
    let output = '';
    daemon.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(output.trim());
    });
    daemon.once('error', reject);
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
  return {
    address,
    environment: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
    stop: () => {
      if (daemon.exitCode === null) daemon.kill();
    },
  };
}

/** Resolves once something owns `org.freedesktop.Notifications` on the bus (a named event). */
async function untilNotificationsOwned(address: string): Promise<void> {
  const bus = await SessionBus.connect(address, 5_000);
  try {
    const owned = new Promise<void>((resolve) => {
      bus.onSignal((signal) => {
        if (signal.member === 'NameOwnerChanged' && signal.body[2]) resolve();
      });
    });
    await bus.addMatch(
      "type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='org.freedesktop.Notifications'",
    );
    const already = await bus
      .call({
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interfaceName: 'org.freedesktop.DBus',
        member: 'NameHasOwner',
        signature: 's',
        body: ['org.freedesktop.Notifications'],
      })
      .then(([has]) => has === true);
    if (!already) {
      await Promise.race([
        owned,
        new Promise((_resolve, reject) =>
          setTimeout(() => reject(new Error('dunst never took the bus name')), 10_000),
        ),
      ]);
    }
  } finally {
    bus.disconnect();
  }
}

export interface PrivateDunst {
  /** `dunstctl` on this dunst's bus. */
  ctl(...args: string[]): Promise<string>;
  /** What dunst holds in its history (closing what is on screen first, unless told not to). */
  history(options?: { closeAll: boolean }): Promise<DunstEntry[]>;
  /** How many pop-ups are on screen now. */
  displayed(): Promise<number>;
  /**
   * What dunst shows or holds (paused, or past its limit) now, read by closing it all: the
   * entries `NotificationClosed` reports dismissed (reason 2) by that close (dunst's history
   * lists closed pop-ups only). Leaves nothing on screen.
   */
  onScreen(): Promise<DunstEntry[]>;
  /** The next context menu (`dunstctl context`) picks the line containing `text`. */
  chooseInMenu(text: string): void;
  stop(): Promise<void>;
}

/**
 * Starts dunst on `bus` and resolves once it owns the notification name. Its rules make the
 * urgency readable in the history: a critical pop-up's text is laid out as
 * "critical|<summary>|<body>"; `timeout` there shows the expiry (0: until closed).
 */
export async function startDunst(bus: PrivateBus, folder: string): Promise<PrivateDunst> {
  const choice = join(folder, 'menu-choice');
  const menu = join(folder, 'dmenu.sh');
  writeFileSync(choice, '');
  // dunst's "dmenu": reads the menu lines, prints the one to pick (the test's choice).
  writeFileSync(
    menu,
    `#!/bin/sh\ntee -a '${join(folder, 'menu-input')}' | grep -F -m1 -- "$(cat '${choice}')"\n`,
  );
  chmodSync(menu, 0o755);
  const config = join(folder, 'dunstrc');
  writeFileSync(
    config,
    `[global]
    history_length = 500
    sticky_history = yes
    dmenu = ${menu}
[urgency_low]
    timeout = 11
[urgency_normal]
    timeout = 12
[urgency_critical]
    timeout = 13
[critical-readable]
    msg_urgency = critical
    format = "critical|%s|%b"
`,
  );
  const daemon: ChildProcess = spawn('dunst', ['-config', config], {
    env: bus.environment,
    stdio: 'ignore',
  });
  const exited = new Promise<never>((_resolve, reject) =>
    daemon.once('exit', (code) => reject(new Error(`dunst exited with ${code}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([untilNotificationsOwned(bus.address), exited]);
  const ctl = async (...args: string[]) =>
    (await run('dunstctl', args, { env: bus.environment })).stdout;
  return {
    ctl,
    history: (options) => dunstHistory(bus.environment, options),
    displayed: async () => Number((await ctl('count', 'displayed')).trim()),
    onScreen: async () => {
      const watcher = await SessionBus.connect(bus.address, 5_000);
      try {
        const dismissed = new Set<number>();
        const closed = createCondition();
        watcher.onSignal((signal) => {
          const [id, reason] = signal.body;
          if (signal.member !== 'NotificationClosed' || reason !== 2) return;
          if (typeof id === 'number') dismissed.add(id);
          closed.signal();
        });
        // dunst sends it to the pop-up's sender only: this bus lets a test listen in.
        await watcher.addMatch(
          "type='signal',interface='org.freedesktop.Notifications',member='NotificationClosed',eavesdrop='true'",
        );
        const count = async (which: string) => Number((await ctl('count', which)).trim());
        const held = (await count('displayed')) + (await count('waiting'));
        await ctl('close-all');
        await closed.until(() => dismissed.size >= held, `${held} pop-ups closed`, 10_000);
        const history = await dunstHistory(bus.environment, { closeAll: false });
        return history.filter((entry) => dismissed.has(entry.id));
      } finally {
        watcher.disconnect();
      }
    },
    chooseInMenu: (text) => writeFileSync(choice, text),
    stop: async () => {
      if (daemon.exitCode !== null) return;
      const gone = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill();
      await gone;
    },
  };
}
