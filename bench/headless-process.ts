import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startService } from '../service';
import { median, spread, type Row } from './figures';
import { withSourceMap, type CpuProfile } from './profile-summary';

/**
 * The headless companion as a process, built JavaScript (dist/headless/headless-cli.cjs, what
 * `npm run headless` runs), against the stand-in service, beside a bare socket.io client process
 * (the floor): cold start to "Connected", and idle cost (CPU seconds, wake-ups, resident memory).
 */

const root = fileURLToPath(new URL('../', import.meta.url));
const token = 'demo-token-jordan';
const headlessBundle = join(root, 'dist', 'headless', 'headless-cli.cjs');

/** A bare socket.io client that says "connected" on stdout once its handshake succeeded. */
function bareClientScript(folder: string): string {
  const path = join(folder, 'bare-client.cjs');
  writeFileSync(
    path,
    `const { io } = require(${JSON.stringify(join(root, 'node_modules', 'socket.io-client'))});
const socket = io(process.argv[2], { transports: ['websocket'],
  auth: { token: ${JSON.stringify(token)}, afterSeq: 0, deviceId: 'bench-bare', protocol: 3 } });
socket.on('connect', () => process.stdout.write('connected\\n'));
`,
  );
  return path;
}

interface Started {
  child: ChildProcess;
  milliseconds: number;
}

/** Spawns `args` with node and waits for `pattern` on stdout or stderr. */
async function startUntil(args: string[], pattern: RegExp): Promise<Started> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve({ child, milliseconds: performance.now() - started });
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${seen.slice(-500)}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** CPU seconds (user + system) and context switches (all threads) of a process, from /proc. */
function processCost(pid: number): { cpuSeconds: number; wakeUps: number; rssMegabytes: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  let wakeUps = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    for (const match of status.matchAll(/_ctxt_switches:\s+(\d+)/gu)) wakeUps += Number(match[1]);
  }
  const rss = /VmRSS:\s+(\d+) kB/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuSeconds: ticks / 100, wakeUps, rssMegabytes: Number(rss ?? 0) / 1024 };
}

/**
 * Builds the headless bundle when it is missing or older than its sources, as `npm run headless`
 * does (tools/run-built.mjs), before anything is timed: a fresh clone has no dist/ yet.
 */
function ensureHeadlessBundle(): void {
  const built = spawnSync(
    process.execPath,
    [join(root, 'tools', 'run-built.mjs'), 'headless', '--help'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (built.status !== 0) throw new Error(`building ${headlessBundle} failed (${built.status})`);
}

export async function benchHeadlessProcess(rounds: number, idleSeconds: number): Promise<Row[]> {
  ensureHeadlessBundle();
  const folder = mkdtempSync(join(tmpdir(), 'ringside-bench-process-'));
  const service = await startService({ databasePath: join(folder, 'service.sqlite') });
  try {
    const bare = bareClientScript(folder);
    const bareStarts: number[] = [];
    const companionStarts: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const floor = await startUntil([bare, service.url], /connected/u);
      await stop(floor.child);
      const dataDir = join(folder, `companion-${round}`);
      const companion = await startUntil(
        [headlessBundle, '--service-url', service.url, '--token', token, '--data-dir', dataDir],
        /Connected: live/u,
      );
      await stop(companion.child);
      bareStarts.push(floor.milliseconds);
      companionStarts.push(companion.milliseconds);
      ratios.push(companion.milliseconds / floor.milliseconds);
    }
    const ratio = median(ratios);
    const rows: Row[] = [
      {
        name: 'cold start: bare socket.io client connect',
        value: Math.round(median(bareStarts)),
        unit: 'ms',
        detail: spread(bareStarts, 0),
      },
      {
        name: 'cold start: headless (built) to "Connected"',
        value: Math.round(median(companionStarts)),
        unit: 'ms',
        detail: spread(companionStarts, 0),
      },
      {
        name: 'cold start: companion / bare',
        value: Number(ratio.toFixed(2)),
        unit: '×',
        detail: spread(ratios),
        target: '≤ 3 ×',
        met: ratio <= 3,
      },
    ];
    if (idleSeconds > 0) rows.push(...(await idle(folder, bare, service.url, idleSeconds)));
    return rows;
  } finally {
    await service.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * One more cold start, profiled (`--cpu-prof`, so outside any measured round): the companion
 * built as `npm run headless` builds it but with a source map beside it (in dist/, so its
 * `require`s find node_modules), from its spawn to "Connected", stopped as the rounds stop it
 * (SIGTERM: it exits itself, which writes the profile). Its frames are given their source files.
 */
export async function coldStartProfile(): Promise<CpuProfile> {
  const folder = mkdtempSync(join(tmpdir(), 'ringside-bench-cold-profile-'));
  const mappedFolder = join(root, 'dist', `bench-profile-${process.pid}`);
  const mappedBundle = join(mappedFolder, 'headless-cli.cjs');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(
    process.execPath,
    [vite, 'build', '-c', 'vite.main.config.ts', '--mode', 'headless', '--logLevel', 'warn'].concat(
      ['--sourcemap', '--outDir', mappedFolder],
    ),
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (built.status !== 0) throw new Error(`building ${mappedBundle} failed (${built.status})`);
  const service = await startService({ databasePath: join(folder, 'service.sqlite') });
  try {
    const profiles = join(folder, 'profiles');
    const companion = await startUntil(
      [
        '--cpu-prof',
        '--cpu-prof-dir',
        profiles,
        '--cpu-prof-interval',
        '250',
        mappedBundle,
        '--service-url',
        service.url,
        '--token',
        token,
        '--data-dir',
        join(folder, 'companion'),
      ],
      /Connected: live/u,
    );
    await stop(companion.child);
    const [file] = readdirSync(profiles).filter((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error(`no .cpuprofile written in ${profiles}`);
    const profile = JSON.parse(readFileSync(join(profiles, file), 'utf8')) as CpuProfile;
    const mapPath = `${mappedBundle}.map`;
    return withSourceMap(
      profile,
      mappedBundle,
      JSON.parse(readFileSync(mapPath, 'utf8')) as SourceMapPayload,
      mapPath,
    );
  } finally {
    await service.close();
    rmSync(folder, { recursive: true, force: true });
    rmSync(mappedFolder, { recursive: true, force: true });
  }
}

/** Both processes connected and left alone for `seconds`; figures scaled to 5 minutes. */
async function idle(folder: string, bare: string, url: string, seconds: number): Promise<Row[]> {
  const floor = await startUntil([bare, url], /connected/u);
  const companion = await startUntil(
    [headlessBundle, '--service-url', url, '--token', token, '--data-dir', join(folder, 'idle')],
    /Connected: live/u,
  );
  try {
    // Past the start (the first housekeeping, the replay): the idle state.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const pids = [floor.child.pid ?? 0, companion.child.pid ?? 0];
    const before = pids.map(processCost);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    const after = pids.map(processCost);
    const scale = 300 / seconds;
    const figure = (index: number) => ({
      cpu: ((after[index]?.cpuSeconds ?? 0) - (before[index]?.cpuSeconds ?? 0)) * scale,
      wakeUps: ((after[index]?.wakeUps ?? 0) - (before[index]?.wakeUps ?? 0)) * scale,
      rss: after[index]?.rssMegabytes ?? 0,
    });
    const [bareIdle, companionIdle] = [figure(0), figure(1)];
    const note = `measured over ${seconds} s, scaled to 5 min; bare client: ${bareIdle.cpu.toFixed(2)} CPU s, ${Math.round(bareIdle.wakeUps)} wake-ups, ${bareIdle.rss.toFixed(1)} MB`;
    return [
      {
        name: 'idle 5 min: CPU seconds (headless)',
        value: Number(companionIdle.cpu.toFixed(2)),
        unit: 's',
        detail: note,
      },
      {
        name: 'idle 5 min: wake-ups (headless, context switches)',
        value: Math.round(companionIdle.wakeUps),
        unit: 'count',
        detail: note,
      },
      {
        name: 'idle: resident memory (headless)',
        value: Number(companionIdle.rss.toFixed(1)),
        unit: 'MB',
        detail: `bare client ${bareIdle.rss.toFixed(1)} MB`,
      },
    ];
  } finally {
    await stop(floor.child);
    await stop(companion.child);
  }
}
