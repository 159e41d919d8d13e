import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { ServiceConnection } from '../main/core/connection';
import { createSystemClock } from '../main/core/ports';
import { median, percentile, type Row } from './figures';
import { fullPath, quietLogger, streamEvent, userId } from './full-path';
import { startProtocolServer, type ProtocolServer } from '../test/support/protocol-server';

/**
 * The event path on loopback (bench/README.md, 1): raw socket.io-client receive (the floor)
 * against the full companion path up to the notifier, for the same stream, in one process.
 */

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

interface PathFigures {
  p50: number;
  p99: number;
  throughput: number;
  /**
   * CPU time of this process per event of the burst (`process.cpuUsage`, every thread: the
   * in-process server's sending included on both sides). Wall time on a shared machine counts
   * the scheduler's delays; this counts the work.
   */
  cpuPerEvent: number;
}

/**
 * Latency: one event at a time (the next is sent when the previous arrived), receive time minus
 * emit time in one process. Throughput: a burst of `burst` events, first emit to last arrival.
 */
async function measurePath(
  server: ProtocolServer,
  offset: number,
  samples: number,
  burst: number,
  attach: (onArrive: (id: string) => void) => Promise<() => void>,
): Promise<PathFigures> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let arrived = 0;
  let waiter: (() => void) | null = null;
  let target = 0;
  const detach = await attach((id) => {
    const at = sentAt.get(id);
    if (at !== undefined) {
      latencies.push(performance.now() - at);
      sentAt.delete(id);
    }
    arrived += 1;
    if (arrived >= target && waiter) {
      const resolve = waiter;
      waiter = null;
      resolve();
    }
  });
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      target = count;
      if (arrived >= count) resolve();
      else waiter = resolve;
    });
  const send = (index: number, timed: boolean) => {
    const event = streamEvent(index);
    if (timed) sentAt.set(event.id, performance.now());
    server.publish(event);
  };
  // Warm-up (JIT, SQLite cache), then one-at-a-time latency.
  let index = offset;
  for (let warm = 0; warm < 500; warm += 1) send(index++, false);
  await until(500);
  latencies.length = 0;
  for (let sample = 0; sample < samples; sample += 1) {
    send(index++, true);
    await until(arrived + 1);
  }
  const latencySamples = [...latencies];
  const before = arrived;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let count = 0; count < burst; count += 1) send(index++, false);
  await until(before + burst);
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  detach();
  return {
    p50: percentile(latencySamples, 0.5),
    p99: percentile(latencySamples, 0.99),
    throughput: burst / (elapsed / 1000),
    cpuPerEvent: (cpu.user + cpu.system) / burst,
  };
}

/**
 * Raw then full, `rounds` times after an untimed warm-up round of both, each round on fresh
 * servers and a fresh database on disk; every figure is the median over the rounds. On a shared machine one slow moment would otherwise
 * land on one side only and swing the ratio.
 */
export async function benchEventPath(
  samples: number,
  burst: number,
  rounds: number,
): Promise<Row[]> {
  const raws: PathFigures[] = [];
  const fulls: PathFigures[] = [];
  // An untimed round first, both sides: the raw floor's first round ran on cold JIT (29,600
  // events/s, then 55,000–88,000) while the full path was steady, so round 0 compared the
  // companion with a cold floor and met a target later rounds missed.
  await eventPathRound(Math.min(samples, 500), Math.min(burst, 10_000));
  for (let round = 0; round < rounds; round += 1) {
    const { raw, full } = await eventPathRound(samples, burst);
    raws.push(raw);
    fulls.push(full);
  }
  const pick = (figures: PathFigures[], key: keyof PathFigures) =>
    median(figures.map((figure) => figure[key]));
  const raw = {
    p50: pick(raws, 'p50'),
    p99: pick(raws, 'p99'),
    throughput: pick(raws, 'throughput'),
    cpuPerEvent: pick(raws, 'cpuPerEvent'),
  };
  const full = {
    p50: pick(fulls, 'p50'),
    p99: pick(fulls, 'p99'),
    throughput: pick(fulls, 'throughput'),
    cpuPerEvent: pick(fulls, 'cpuPerEvent'),
  };
  // Per round, then the median: the ratio of two medians could pair unrelated rounds.
  const addedP99 = median(fulls.map((figure, index) => figure.p99 - (raws[index]?.p99 ?? 0)));
  const ratio = median(
    fulls.map((figure, index) => figure.throughput / (raws[index]?.throughput ?? Number.NaN)),
  );
  const perRound = (values: number[], digits: number) =>
    `rounds: ${values.map((value) => round(value, digits)).join(', ')}`;
  return [
    { name: 'raw socket.io receive p50', value: round(raw.p50), unit: 'ms' },
    { name: 'raw socket.io receive p99', value: round(raw.p99), unit: 'ms' },
    { name: 'raw socket.io throughput', value: Math.round(raw.throughput), unit: 'events/s' },
    { name: 'full path p50 (to notifier)', value: round(full.p50), unit: 'ms' },
    { name: 'full path p99 (to notifier)', value: round(full.p99), unit: 'ms' },
    { name: 'full path throughput', value: Math.round(full.throughput), unit: 'events/s' },
    {
      name: 'CPU per event in the burst, raw',
      value: round(raw.cpuPerEvent, 1),
      unit: 'µs',
      detail: perRound(
        raws.map((figure) => figure.cpuPerEvent),
        1,
      ),
    },
    {
      name: 'CPU per event in the burst, full',
      value: round(full.cpuPerEvent, 1),
      unit: 'µs',
      detail: perRound(
        fulls.map((figure) => figure.cpuPerEvent),
        1,
      ),
    },
    {
      name: 'added p99 (full − raw)',
      value: round(addedP99),
      unit: 'ms',
      detail: perRound(
        fulls.map((figure, index) => figure.p99 - (raws[index]?.p99 ?? 0)),
        3,
      ),
      target: '≤ 1 ms',
      met: addedP99 <= 1,
    },
    {
      name: 'throughput full / raw',
      value: round(ratio * 100, 1),
      unit: '%',
      detail: `persistence on (SQLite WAL on disk); ${perRound(
        fulls.map(
          (figure, index) => (figure.throughput / (raws[index]?.throughput ?? Number.NaN)) * 100,
        ),
        1,
      )}`,
      target: '≥ 50 %',
      met: ratio >= 0.5,
    },
  ];
}

async function eventPathRound(
  samples: number,
  burst: number,
): Promise<{ raw: PathFigures; full: PathFigures }> {
  const folder = mkdtempSync(join(tmpdir(), 'ringside-bench-path-'));
  const token = 'bench-token';
  try {
    // Raw: socket.io-client, no validation, nothing stored (the floor).
    const rawServer = await startProtocolServer({ tokens: [token], userId });
    const raw = await measurePath(rawServer, 0, samples, burst, async (onArrive) => {
      const socket = io(rawServer.url, {
        transports: ['websocket'],
        auth: { token, afterSeq: 0, deviceId: 'bench-raw' },
      });
      socket.on('event', (event: { id: string }) => onArrive(event.id));
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      return () => socket.close();
    });
    await rawServer.close();

    // Full: ServiceConnection (zod at the boundary) → pipeline (dedupe, decide, persist) → delivery.
    const fullServer = await startProtocolServer({ tokens: [token], userId });
    let path: ReturnType<typeof fullPath> | null = null;
    const full = await measurePath(fullServer, 0, samples, burst, async (onArrive) => {
      const decidedIds: string[] = [];
      path = fullPath(folder, (event) => decidedIds.push(event.id));
      const active = path;
      await active.delivery.start();
      const connection = new ServiceConnection({
        serviceUrl: fullServer.url,
        token,
        deviceId: 'bench-full',
        lastSeq: () => active.store.events.lastSeq(),
        epoch: () => active.store.events.epoch(),
        // As openSession wires it: what arrived together is one event batch. An event
        // counts as arrived once its batch committed (decided AND persisted), not when delivery
        // was called inside it.
        batches: {
          run<Result>(work: () => Result): Result {
            const result = active.batches.run(work);
            for (const id of decidedIds.splice(0)) onArrive(id);
            return result;
          },
          afterCommit: (action, onRollback) => active.batches.afterCommit(action, onRollback),
        },
        clock: createSystemClock(),
        logger: quietLogger,
      });
      connection.onMessage((message) => {
        if (message.name === 'event') active.pipeline.process(message.value);
      });
      connection.start();
      await new Promise<void>((resolve) => {
        const stop = connection.onConnected(() => {
          stop();
          resolve();
        });
      });
      return () => connection.stop();
    });
    const active = path as ReturnType<typeof fullPath> | null;
    await active?.delivery.flush();
    active?.delivery.stop();
    active?.housekeeper.stop();
    active?.store.close();
    await fullServer.close();

    return { raw, full };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
