import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * What dominates a CPU profile (V8's `.cpuprofile`, from `node:inspector` or `--cpu-prof`): the
 * sampled self time grouped into named categories by each frame's file and function, and the
 * functions with the most self time. bench/README.md, "What dominates", says how to read it.
 */

/** One node of V8's profile tree (the `Profiler.Profile` of the DevTools protocol). */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[] | undefined;
}

/** A V8 CPU profile: times in microseconds of the monotonic clock (`process.hrtime`'s). */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[] | undefined;
  timeDeltas?: number[] | undefined;
}

/** A share of the sampled time, in per cent. */
export interface Share {
  name: string;
  percent: number;
}

export interface ProfileSummary {
  /** The sampled time the shares are of, in milliseconds. */
  sampledMilliseconds: number;
  /** Every category with time, largest first; they sum to 100 %. */
  categories: Share[];
  /** The functions with the most self time ("name (file)"), largest first. */
  top: Share[];
}

const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * The categories, first match wins. A native call (better-sqlite3's statements, that is SQLite
 * itself; a socket's `writev`) has a frame without a file, or none at all: it counts in the
 * category of the JavaScript that called it, so SQLite is the store's repositories and
 * better-sqlite3's lib. `JSON.parse`/`stringify` are builtins V8 counts inside their caller;
 * JSON only shows where V8 gives them a frame of their own.
 */
const categories: readonly {
  name: string;
  matches: (functionName: string, url: string) => boolean;
}[] = [
  { name: 'idle', matches: (functionName) => functionName === '(idle)' },
  { name: 'GC', matches: (functionName) => functionName === '(garbage collector)' },
  {
    name: 'SQLite',
    matches: (_, url) => url.includes('/main/core/store/') || url.includes('/better-sqlite3/'),
  },
  {
    name: 'socket.io',
    matches: (_, url) =>
      /\/node_modules\/(socket\.io[^/]*|engine\.io[^/]*|ws|@socket\.io\/[^/]+)\//u.test(url) ||
      url.includes('/test/support/protocol-server') ||
      url.includes('/main/core/connection/') ||
      /^node:(net|internal\/(net|stream_base_commons|streams\/))/u.test(url),
  },
  { name: 'zod', matches: (_, url) => url.includes('/node_modules/zod/') },
  {
    name: 'phone formatting',
    matches: (_, url) =>
      url.includes('/node_modules/libphonenumber-js/') || url.includes('/common/phone-format'),
  },
  { name: 'policy', matches: (_, url) => url.includes('/common/policy/') },
  { name: 'delivery', matches: (_, url) => url.includes('/main/core/delivery/') },
  {
    name: 'JSON',
    matches: (functionName, url) =>
      (url === '' && /^(JSON\.)?(parse|stringify)$/u.test(functionName)) ||
      url.includes('/safe-stable-stringify/'),
  },
  {
    name: 'module loading',
    matches: (functionName, url) =>
      url.startsWith('node:internal/modules/') ||
      url.startsWith('node:internal/bootstrap/') ||
      url.includes('/node_modules/tsx/') ||
      functionName === 'compileFunction' ||
      functionName === 'wrapSafe',
  },
];

/** A frame's category ("other" when none matches). */
export function categoryOf(functionName: string, url: string): string {
  return categories.find((category) => category.matches(functionName, url))?.name ?? 'other';
}

/** The file of a frame as a reader finds it: relative to the repository, or the package's path. */
export function shortFile(url: string): string {
  if (url === '') return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const packaged = path.lastIndexOf('/node_modules/');
  if (packaged >= 0) return path.slice(packaged + '/node_modules/'.length);
  return path.startsWith(root) ? path.slice(root.length) : path;
}

type Frame = Pick<CpuProfileNode['callFrame'], 'functionName' | 'url'>;

/** Native code: a frame without a file that is not one of V8's own ("(garbage collector)"…). */
export function isNative(frame: Frame): boolean {
  return frame.url === '' && !/^\(.*\)$/u.test(frame.functionName);
}

/**
 * A frame's category and name; native code is counted in its `caller`'s category (the nearest
 * frame above it with a file) and named by it.
 */
export function describeFrame(
  frame: Frame,
  caller: Frame | undefined,
): { category: string; name: string } {
  if (isNative(frame) && caller && caller.url !== '') {
    return {
      category: categoryOf(frame.functionName, caller.url),
      name: `${frame.functionName || 'native call'} from ${caller.functionName || '(anonymous)'} (${shortFile(caller.url)})`,
    };
  }
  const file = shortFile(frame.url);
  return {
    category: categoryOf(frame.functionName, frame.url),
    name: `${frame.functionName || '(anonymous)'}${file ? ` (${file})` : ''}`,
  };
}

const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : (part / whole) * 100);

/**
 * Self time by category and by function, over the samples taken at or after `from` (the same
 * clock as the profile's, microseconds; default: all). A sample's time is the gap to the next
 * sample (the last one's, to the profile's end), as DevTools counts it.
 */
export function summariseCpuProfile(
  profile: CpuProfile,
  options: { from?: number; to?: number; top?: number } = {},
): ProfileSummary {
  const parents = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  /** A frame without a file is native code: it is named, and counted, by its caller. */
  const resolved = new Map<number, { category: string; name: string }>();
  const resolve = (id: number) => {
    const known = resolved.get(id);
    if (known) return known;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return undefined;
    let caller: CpuProfileNode['callFrame'] | undefined = frame;
    let at: number | undefined = id;
    while (caller && isNative(caller) && at !== undefined) {
      at = parents.get(at);
      caller = at === undefined ? undefined : nodes.get(at)?.callFrame;
    }
    const result = describeFrame(frame, caller);
    resolved.set(id, result);
    return result;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  for (let index = 0; index < samples.length; index += 1) {
    at += deltas[index] ?? 0;
    const next = index + 1 < samples.length ? at + (deltas[index + 1] ?? 0) : profile.endTime;
    const frame = resolve(samples[index] ?? -1);
    if (!frame || at < (options.from ?? -Infinity) || at >= (options.to ?? Infinity)) continue;
    const time = Math.max(0, next - at);
    total += time;
    byCategory.set(frame.category, (byCategory.get(frame.category) ?? 0) + time);
    byFunction.set(frame.name, (byFunction.get(frame.name) ?? 0) + time);
  }
  const shares = (times: Map<string, number>) =>
    [...times]
      .filter(([, time]) => time > 0)
      .sort((left, right) => right[1] - left[1])
      .map(([name, time]) => ({ name, percent: percentOf(time, total) }));
  return {
    sampledMilliseconds: total / 1000,
    categories: shares(byCategory),
    top: shares(byFunction).slice(0, options.top ?? 5),
  };
}

const percent = (share: Share) => `${share.name} ${share.percent.toFixed(1)} %`;

/** The lines the bench table prints under a missed row (and latest.json carries). */
export function describeCpuProfile(summary: ProfileSummary, what: string): string[] {
  return [
    `what dominates (${what}, ${Math.round(summary.sampledMilliseconds)} ms sampled): ${summary.categories.map(percent).join(', ')}`,
    `top: ${summary.top.map(percent).join(', ')}`,
  ];
}

/**
 * The profile with each frame of a bundle (`bundle`, a path) given the file URL of the source it
 * was built from, by the bundle's source map (`map`, whose sources are relative to `mapPath`):
 * then its frames fall in their categories as the same code run by tsx does.
 */
export function withSourceMap(
  profile: CpuProfile,
  bundle: string,
  map: SourceMapPayload,
  mapPath: string,
): CpuProfile {
  const sourceMap = new SourceMap(map);
  const bundleUrls = new Set([bundle, pathToFileURL(bundle).href]);
  const base = pathToFileURL(mapPath);
  return {
    ...profile,
    nodes: profile.nodes.map((node) => {
      const { url, lineNumber, columnNumber } = node.callFrame;
      if (!bundleUrls.has(url) || lineNumber < 0) return node;
      const entry = sourceMap.findEntry(lineNumber, Math.max(0, columnNumber)) as {
        originalSource?: string;
      };
      if (!entry.originalSource) return node;
      const source = new URL(entry.originalSource, base).href;
      return { ...node, callFrame: { ...node.callFrame, url: source } };
    }),
  };
}
