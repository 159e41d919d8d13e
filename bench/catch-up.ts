import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { ServiceConnection } from '../main/core/connection';
import { maximumBatchSize } from '../main/core/event-batch';
import { createSystemClock } from '../main/core/ports';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fullPath, quietLogger } from './full-path';
import { markProfileSpan } from './profile';
import { median, spread, type Row } from './figures';

/**
 * Catch-up after a night offline: `count` events stored on a protocol server (in a child process,
 * bench/replay-server.ts) while nobody is connected, then replayed to (a) a bare socket.io client that only counts them (the floor) and
 * (b) the companion's path as `openSession` wires it (a catch-up: pop-ups held, summarised at
 * `replayDone`, every decision told to a listener as the window's Activity list is). Done when
 * the last decision was told. Also the longest the event loop was held (a 5 ms ticker's
 * lateness) and the resident memory's peak above where it started.
 */
export async function benchCatchUp(counts: readonly number[], rounds: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const count of counts) {
    const ratios: number[] = [];
    const rawSeconds: number[] = [];
    const fullSeconds: number[] = [];
    const blocks: number[] = [];
    const endBlocks: number[] = [];
    const endDelays: number[] = [];
    const endCpu: number[] = [];
    const replayCpu: number[] = [];
    const peaks: number[] = [];
    const endSeconds: number[] = [];
    const replayCpuSeconds: number[] = [];
    const endCpuSeconds: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const server = await startReplayServer(count);
      try {
        const raw = await rawReplay(server, count);
        const full = await fullReplay(server, count);
        rawSeconds.push(raw);
        fullSeconds.push(full.seconds);
        ratios.push(raw / full.seconds);
        blocks.push(full.longestBlock);
        endBlocks.push(full.longestEndBlock);
        endCpu.push(full.longestEndCpu);
        replayCpu.push(full.longestCpu);
        endDelays.push(full.endDelayMax);
        peaks.push(full.peakGrowth);
        endSeconds.push(full.endSeconds);
        replayCpuSeconds.push(full.replayCpuSeconds);
        endCpuSeconds.push(full.endCpuSeconds);
      } finally {
        await server.close();
      }
    }
    const label = count.toLocaleString('en-US');
    const ratio = median(ratios);
    rows.push(
      {
        name: `catch-up ${label}: bare replay`,
        value: round(median(rawSeconds)),
        unit: 's',
        detail: spread(rawSeconds),
      },
      {
        name: `catch-up ${label}: companion`,
        value: round(median(fullSeconds)),
        unit: 's',
        detail: spread(fullSeconds),
      },
      {
        name: `catch-up ${label}: companion / bare rate`,
        value: round(ratio * 100, 1),
        unit: '%',
        detail: spread(ratios.map((value) => value * 100)),
        target: '≥ 25 %',
        met: ratio >= 0.25,
      },
      {
        name: `catch-up ${label}: its end (replayDone to the last decision told)`,
        value: round(median(endSeconds)),
        unit: 's',
        detail: `the summaries, their records, every decision told; ${spread(endSeconds)}`,
      },
      {
        name: `catch-up ${label}: companion CPU time, replay + end`,
        value: round(median(replayCpuSeconds) + median(endCpuSeconds)),
        unit: 's',
        detail: `this process's user + system time (GC threads included): less moved by a busy machine than the times; replay ${round(median(replayCpuSeconds))} s (${spread(replayCpuSeconds)}), end ${round(median(endCpuSeconds))} s (${spread(endCpuSeconds)})`,
      },
      {
        name: `catch-up ${label}: longest event-loop block at its end`,
        value: round(median(endBlocks), 1),
        unit: 'ms',
        detail: `from replayDone to the last decision told; ${spread(endBlocks)}`,
        target: '≤ 50 ms',
        met: median(endBlocks) <= 50,
      },
      {
        name: `catch-up ${label}: event-loop delay at its end (monitorEventLoopDelay max)`,
        value: round(median(endDelays), 1),
        unit: 'ms',
        detail: `perf_hooks histogram (10 ms resolution) from replayDone to the last decision told; ${spread(endDelays)}`,
        target: '≤ 50 ms',
        met: median(endDelays) <= 50,
      },
      {
        name: `catch-up ${label}: most CPU time between two ticks at its end`,
        value: round(median(endCpu), 1),
        unit: 'ms',
        detail: `this process's user + system time (GC threads included) between two 5 ms ticks: the block without the scheduler's share on a busy machine; ${spread(endCpu)}`,
        target: '≤ 50 ms',
        met: median(endCpu) <= 50,
      },
      {
        name: `catch-up ${label}: longest event-loop block during the replay`,
        value: round(median(blocks), 1),
        unit: 'ms',
        detail: `a batch of up to ${maximumBatchSize} events (one transaction), or the socket reading the backlog: one I/O phase decodes and validates thousands of messages (bench/README.md §5); ${spread(blocks)}`,
      },
      {
        name: `catch-up ${label}: most CPU time between two ticks during the replay`,
        value: round(median(replayCpu), 1),
        unit: 'ms',
        detail: `as at its end, over the replay; ${spread(replayCpu)}`,
      },
      {
        name: `catch-up ${label}: peak resident memory growth`,
        value: round(median(peaks), 1),
        unit: 'MB',
        detail: `the bench process's peak above where it started (the server runs apart); ${spread(peaks)}`,
      },
    );
  }
  return rows;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

interface ReplayServer {
  url: string;
  close(): Promise<void>;
}

/** bench/replay-server.ts in a child process, holding `count` events. */
async function startReplayServer(count: number): Promise<ReplayServer> {
  const script = fileURLToPath(new URL('./replay-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    async close() {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** Seconds from connecting to `replayDone` for a client that only counts the events. */
async function rawReplay(server: ReplayServer, count: number): Promise<number> {
  const started = performance.now();
  const socket = io(server.url, {
    transports: ['websocket'],
    auth: { token: 'bench-token', afterSeq: 0, deviceId: 'bench-raw' },
  });
  let received = 0;
  socket.on('event', () => {
    received += 1;
  });
  await new Promise<void>((resolve) => socket.once('replayDone', () => resolve()));
  const seconds = (performance.now() - started) / 1000;
  socket.close();
  if (received !== count) throw new Error(`bare replay: ${received} of ${count}`);
  return seconds;
}

/** The companion's catch-up, on a fresh store: seconds, longest block, peak RSS growth (MB). */
async function fullReplay(
  server: ReplayServer,
  count: number,
): Promise<{
  seconds: number;
  longestBlock: number;
  longestEndBlock: number;
  longestEndCpu: number;
  longestCpu: number;
  endDelayMax: number;
  peakGrowth: number;
  endSeconds: number;
  replayCpuSeconds: number;
  endCpuSeconds: number;
}> {
  const folder = mkdtempSync(join(tmpdir(), 'ringside-bench-catch-up-'));
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let longestBlock = 0;
  /** From `replayDone` to the last decision told: the end of the catch-up. */
  let ending = false;
  let longestEndBlock = 0;
  let endStarted = 0;
  let cpuAtStart = process.cpuUsage();
  let cpuAtEnd = cpuAtStart;
  // Node's own measure of the same thing, over the end only (enabled at `replayDone`).
  const endDelay = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  // The same gaps in this process's CPU time: on a machine shared with other work, a wall-clock
  // gap is partly the scheduler running someone else; the CPU time is what the loop itself did.
  let lastCpu = process.cpuUsage();
  let longestEndCpu = 0;
  let longestCpu = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    const block = now - last - 5;
    const cpu = process.cpuUsage(lastCpu);
    lastCpu = process.cpuUsage();
    if (ending) longestEndCpu = Math.max(longestEndCpu, (cpu.user + cpu.system) / 1000);
    else longestCpu = Math.max(longestCpu, (cpu.user + cpu.system) / 1000);
    if (ending) longestEndBlock = Math.max(longestEndBlock, block);
    else longestBlock = Math.max(longestBlock, block);
    last = now;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const path = fullPath(folder, () => undefined);
    await path.delivery.start();
    let told = 0;
    let finished: (() => void) | null = null;
    path.pipeline.onDecision(() => {
      told += 1;
      if (told === count) finished?.();
    });
    // Opening the store and its migrations are not the replay: counted from here.
    longestBlock = 0;
    longestCpu = 0;
    const started = performance.now();
    cpuAtStart = process.cpuUsage();
    const connection = new ServiceConnection({
      serviceUrl: server.url,
      token: 'bench-token',
      deviceId: 'bench-full',
      lastSeq: () => path.store.events.lastSeq(),
      epoch: () => path.store.events.epoch(),
      batches: path.batches,
      clock: createSystemClock(),
      logger: quietLogger,
    });
    // As the session does: hold pop-ups from the connect to `replayDone`, then summarise.
    connection.onConnected(() => path.delivery.beginCatchUp());
    connection.onMessage((message) => {
      if (message.name === 'event') path.pipeline.process(message.value);
      if (message.name === 'replayDone') {
        endStarted = performance.now();
        cpuAtEnd = process.cpuUsage();
        ending = true;
        markProfileSpan('its end, from replayDone');
        endDelay.enable();
        path.batches.afterCommit(() => path.delivery.endCatchUp());
      }
    });
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    connection.start();
    await done;
    const finishedAt = performance.now();
    const seconds = (finishedAt - started) / 1000;
    const cpuSeconds = (since: NodeJS.CpuUsage, until: NodeJS.CpuUsage) =>
      (until.user - since.user + until.system - since.system) / 1e6;
    const cpuAtDone = process.cpuUsage();
    endDelay.disable();
    connection.stop();
    await path.delivery.flush();
    path.delivery.stop();
    path.store.close();
    return {
      seconds,
      longestBlock,
      longestEndBlock,
      longestEndCpu,
      longestCpu,
      // The histogram's values are nanoseconds; an empty one reports a huge minimum, not max.
      endDelayMax: endDelay.count === 0 ? 0 : endDelay.max / 1e6,
      peakGrowth: (peak - baseline) / 1048576,
      endSeconds: (finishedAt - endStarted) / 1000,
      replayCpuSeconds: cpuSeconds(cpuAtStart, cpuAtEnd),
      endCpuSeconds: cpuSeconds(cpuAtEnd, cpuAtDone),
    };
  } finally {
    clearInterval(ticker);
    rmSync(folder, { recursive: true, force: true });
  }
}
