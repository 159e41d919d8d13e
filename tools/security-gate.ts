/**
 * `npm run security:gate`: Electronegativity over what ships (the main, preload and renderer
 * bundles), failing on any HIGH or MEDIUM finding that tools/electronegativity-baseline.json does
 * not list with a reason.
 *
 * The bundles are built into a temp folder with `--target es2019`: Electronegativity's parser
 * does not know private class fields (`#field`) and would otherwise skip a file; any file it
 * could not parse fails the gate, since an unread file is not a clean one. Its files must end in
 * .js/.html to be read, so the .cjs bundles are renamed there. It runs through its API
 * (tools/electronegativity-scan.mjs), never its CLI's CSV, whose writes race and lose rows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const baselineFile = path.join(root, 'tools/electronegativity-baseline.json');

const baselineSchema = z.strictObject({
  '//': z.string().optional(),
  accepted: z.array(
    z.strictObject({
      check: z.string().min(1),
      /** Path inside the scanned folder: main/electron-main.js, preload/preload.js, renderer/… */
      file: z.string().min(1),
      /** A piece of the flagged code, so a new finding of the same check is not hidden. */
      sampleIncludes: z.string().min(1),
      reason: z.string().min(20),
    }),
  ),
});

const findingSchema = z.strictObject({
  check: z.string().regex(/^[A-Z_]+$/u),
  severity: z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH']),
  confidence: z.string(),
  file: z.string(),
  location: z.string(),
  sample: z.string(),
  description: z.string(),
});

/** What tools/electronegativity-scan.mjs writes: the findings, and the files it could not read. */
export const scanSchema = z.strictObject({
  findings: z.array(findingSchema),
  errors: z.array(
    z.strictObject({ file: z.string(), message: z.string(), tolerable: z.boolean() }),
  ),
});

export type Finding = z.infer<typeof findingSchema>;

type BaselineEntry = z.infer<typeof baselineSchema>['accepted'][number];

/** HIGH and MEDIUM findings block unless a baseline entry names the check, file and code. */
export function judge(findings: readonly Finding[], accepted: readonly BaselineEntry[]) {
  const blocking = findings.filter(
    (finding) => finding.severity === 'HIGH' || finding.severity === 'MEDIUM',
  );
  const used = new Set<number>();
  const unlisted = blocking.filter((finding) => {
    const index = accepted.findIndex(
      (entry) =>
        entry.check === finding.check &&
        entry.file === finding.file &&
        finding.sample.includes(entry.sampleIncludes),
    );
    if (index === -1) return true;
    used.add(index);
    return false;
  });
  return { blocking, unlisted, used };
}

function run(command: string, args: string[], cwd = root): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function renameBundles(folder: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) renameBundles(full);
    else if (entry.name.endsWith('.cjs')) renameSync(full, full.replace(/\.cjs$/, '.js'));
  }
}

function main(): void {
  const baseline = baselineSchema.parse(JSON.parse(readFileSync(baselineFile, 'utf8')));
  const work = mkdtempSync(path.join(tmpdir(), 'ringside-security-gate-'));
  const scanned = path.join(work, 'app');
  const notes: string[] = [];

  process.stdout.write('== build main, preload and renderer for analysis (es2019)\n');
  for (const [mode, folder] of [
    ['main', 'main'],
    ['preload', 'preload'],
  ] as const) {
    run(npx, [
      'vite',
      'build',
      '-c',
      'vite.main.config.ts',
      '--mode',
      mode,
      '--target',
      'es2019',
      '--outDir',
      path.join(scanned, folder),
    ]);
  }
  if (existsSync(path.join(root, 'renderer/vite.config.ts'))) {
    run(npx, [
      'vite',
      'build',
      '-c',
      'renderer/vite.config.ts',
      '--target',
      'es2019',
      '--outDir',
      path.join(scanned, 'renderer'),
      '--emptyOutDir',
    ]);
  } else if (existsSync(path.join(root, 'dist/renderer/index.html'))) {
    cpSync(path.join(root, 'dist/renderer'), path.join(scanned, 'renderer'), { recursive: true });
    notes.push('renderer/vite.config.ts is absent: scanned dist/renderer as built.');
  } else {
    notes.push('NO RENDERER: neither renderer/vite.config.ts nor dist/renderer exists.');
  }
  renameBundles(scanned);

  const electronVersion = (
    JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const resultFile = path.join(work, 'electronegativity.json');
  process.stdout.write(`== electronegativity (Electron ${electronVersion})\n`);
  const scan = spawnSync(
    process.execPath,
    [path.join(root, 'tools/electronegativity-scan.mjs'), scanned, electronVersion, resultFile],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const output = `${scan.stdout}\n${scan.stderr}`;
  if (scan.status !== 0 || !existsSync(resultFile)) {
    throw new Error(`electronegativity did not finish (exit ${String(scan.status)}):\n${output}`);
  }
  if (/fetching Electron's releases/i.test(output)) {
    notes.push(
      'The release-list check (AVAILABLE_SECURITY_FIXES) needs the network and did not run here.',
    );
  }
  const { findings, errors } = scanSchema.parse(JSON.parse(readFileSync(resultFile, 'utf8')));
  // A file it could not parse is not a clean file; one it parsed with recovery was still read.
  const parseErrors = errors
    .filter((error) => !error.tolerable)
    .map((error) => `${error.file}: ${error.message}`);
  for (const error of errors.filter((entry) => entry.tolerable)) {
    notes.push(`parsed with recovery: ${error.file}: ${error.message}`);
  }

  const { blocking, unlisted, used } = judge(findings, baseline.accepted);

  process.stdout.write(`\n${findings.length} finding(s):\n`);
  for (const finding of findings) {
    const accepted = !unlisted.includes(finding) && blocking.includes(finding);
    const mark = unlisted.includes(finding) ? 'FAIL' : accepted ? 'base' : ' ok ';
    process.stdout.write(
      `  ${mark} ${finding.severity.padEnd(6)} ${finding.check} ${finding.file}:${finding.location} ${finding.description}\n`,
    );
  }
  baseline.accepted.forEach((entry, index) => {
    if (!used.has(index)) {
      process.stdout.write(
        `  note: baseline entry ${entry.check} ${entry.file} matched nothing; remove it?\n`,
      );
    }
  });
  for (const note of notes) process.stdout.write(`  note: ${note}\n`);
  rmSync(work, { recursive: true, force: true });

  const problems = [
    ...parseErrors.map((line) => `not analysed: ${line.trim()}`),
    ...unlisted.map(
      (finding) =>
        `${finding.severity} ${finding.check} in ${finding.file}:${finding.location}: ${finding.description} (${finding.sample.slice(0, 120)})`,
    ),
  ];
  if (problems.length > 0) {
    process.stdout.write(
      `\nsecurity:gate FAILED:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write('\nsecurity:gate passed: no HIGH or MEDIUM finding outside the baseline\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
