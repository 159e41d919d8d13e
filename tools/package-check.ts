/**
 * `npm run package:check`: proves the packaging works on a machine with no Electron binary.
 *
 *   1. Builds main, preload and the demo service (vite.main.config.ts), and the renderer if
 *      dist/renderer is missing (renderer/vite.config.ts; a placeholder page if that is absent).
 *   2. Runs electron-builder (`--linux dir`, electron-builder.yml) with a stand-in Electron
 *      (`electronDist`: a folder with an `electron` file carrying a fuse wire) and
 *      `npmRebuild: false`, into a temp folder.
 *   3. Asserts that app.asar holds the main, preload and renderer bundles; that the
 *      better-sqlite3 addon and node-notifier's vendor folder are in app.asar.unpacked; that
 *      the fuses configured in electron-builder.yml were written into the stand-in's fuse wire;
 *      that the Windows targets are nsis and a per-machine, one-click msi (electron-builder has
 *      validated the whole file, msi section included, against its schema in step 2); and that
 *      node_modules' own better-sqlite3 build (which the tests use) is unchanged.
 *
 * What it cannot prove: that a real Electron starts from this package and honours the fuses
 * (the stand-in is not Electron). The Playwright `_electron` tests cover start-up where a binary
 * exists.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** @electron/fuses' marker and wire layout (version 1, then one byte per fuse). */
const fuseSentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const fuseOrder = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;
/** Electron's own defaults ('1' on, '0' off), as a fresh binary ships them. */
const electronDefaultWire = '10110001';

const failures: string[] = [];
const notes: string[] = [];

function check(condition: boolean, message: string): void {
  process.stdout.write(`${condition ? '  ok  ' : '  FAIL'} ${message}\n`);
  if (!condition) failures.push(message);
}

function step(message: string): void {
  process.stdout.write(`\n== ${message}\n`);
}

function run(command: string, args: string[]): void {
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

function fingerprint(file: string): { sha256: string; mtimeMs: number; size: number } {
  const stats = statSync(file);
  return {
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    mtimeMs: stats.mtimeMs,
    size: stats.size,
  };
}

function findFiles(folder: string, test: (file: string) => boolean): string[] {
  if (!existsSync(folder)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(full, test));
    else if (test(full)) found.push(full);
  }
  return found;
}

/** The stand-in Electron: a script that says what it is, with a real-shaped fuse wire. */
function makeStandInElectron(folder: string, electronVersion: string): string {
  const wire = Buffer.concat([
    Buffer.from(fuseSentinel, 'ascii'),
    Buffer.from([1, fuseOrder.length]),
    Buffer.from(electronDefaultWire, 'ascii'),
  ]);
  const executable = path.join(folder, 'electron');
  writeFileSync(
    executable,
    Buffer.concat([
      Buffer.from(
        '#!/bin/sh\necho "stand-in Electron for npm run package:check: not a real binary" >&2\nexit 1\n# ',
      ),
      wire,
      Buffer.from('\n'),
    ]),
  );
  chmodSync(executable, 0o755);
  mkdirSync(path.join(folder, 'resources'), { recursive: true });
  mkdirSync(path.join(folder, 'locales'), { recursive: true });
  writeFileSync(path.join(folder, 'locales', 'en-US.pak'), '');
  writeFileSync(path.join(folder, 'version'), electronVersion);
  writeFileSync(path.join(folder, 'LICENSE'), 'Stand-in for the Electron license file.\n');
  return executable;
}

function readFuseWire(executable: string): Record<string, boolean | 'removed' | 'unknown'> {
  const bytes = readFileSync(executable);
  const at = bytes.indexOf(fuseSentinel) + fuseSentinel.length;
  const length = bytes[at + 1] ?? 0;
  const wire: Record<string, boolean | 'removed' | 'unknown'> = {};
  for (let index = 0; index < length; index += 1) {
    const state = String.fromCharCode(bytes[at + 2 + index] ?? 0);
    wire[fuseOrder[index] ?? `fuse${index}`] =
      state === '1' ? true : state === '0' ? false : state === 'r' ? 'removed' : 'unknown';
  }
  return wire;
}

interface AsarHeader {
  files?: Record<string, AsarHeader>;
  unpacked?: boolean;
  size?: number;
}

/** The asar's file tree (the header is a pickled JSON string after a 16-byte prefix). */
function readAsarHeader(asarFile: string): AsarHeader {
  const asar = require('@electron/asar') as { getRawHeader(file: string): { header: AsarHeader } };
  return asar.getRawHeader(asarFile).header;
}

function asarEntry(header: AsarHeader, relative: string): AsarHeader | undefined {
  let node: AsarHeader | undefined = header;
  for (const part of relative.split('/')) node = node?.files?.[part];
  return node;
}

async function main(): Promise<void> {
  // Where better-sqlite3 loads its addon from (its lib/binding.js): a build made on purpose in
  // build/Release, else the N-API prebuild for this platform that the package ships (13+).
  const addonRelative = existsSync(
    path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
  )
    ? 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
    : `node_modules/better-sqlite3/prebuilds/${process.platform}-${process.arch}.node`;
  const nativeAddon = path.join(root, addonRelative);
  step('the Node build of better-sqlite3 the tests use (must not change)');
  const before = fingerprint(nativeAddon);
  process.stdout.write(
    `  ${path.relative(root, nativeAddon)} sha256 ${before.sha256.slice(0, 16)}…\n`,
  );

  step('build main, preload and the demo service (vite.main.config.ts)');
  for (const mode of ['main', 'preload', 'service']) {
    run(npx, ['vite', 'build', '-c', 'vite.main.config.ts', '--mode', mode]);
  }
  const rendererIndex = path.join(root, 'dist/renderer/index.html');
  if (existsSync(rendererIndex)) {
    notes.push('dist/renderer was already built; used as is.');
  } else if (existsSync(path.join(root, 'renderer/vite.config.ts'))) {
    step('build the renderer (renderer/vite.config.ts)');
    run(npx, ['vite', 'build', '-c', 'renderer/vite.config.ts']);
    notes.push('dist/renderer built with renderer/vite.config.ts.');
  } else {
    mkdirSync(path.dirname(rendererIndex), { recursive: true });
    writeFileSync(
      rendererIndex,
      '<!doctype html><title>Ringside</title><p>Placeholder: the renderer is not built yet.</p>\n',
    );
    notes.push(
      'PLACEHOLDER renderer: renderer/vite.config.ts is absent, wrote dist/renderer/index.html.',
    );
  }

  step('electron-builder --linux dir, with a stand-in Electron and npmRebuild: false');
  const work = mkdtempSync(path.join(tmpdir(), 'ringside-package-check-'));
  const electronVersion = (
    JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const standIn = path.join(work, 'electron-dist');
  mkdirSync(standIn);
  makeStandInElectron(standIn, electronVersion);
  const output = path.join(work, 'release');
  const builder = require('electron-builder') as {
    build(options: object): Promise<string[]>;
    Platform: { LINUX: { createTarget(targets: string[], ...archs: number[]): unknown } };
    Arch: Record<string, number>;
  };
  await builder.build({
    projectDir: root,
    targets: builder.Platform.LINUX.createTarget(['dir'], builder.Arch['x64'] ?? 1),
    publish: 'never',
    config: {
      electronDist: standIn,
      electronVersion,
      npmRebuild: false,
      directories: { output },
    },
  });

  step('what the package holds');
  const appFolder = path.join(output, 'linux-unpacked');
  const asarFile = path.join(appFolder, 'resources/app.asar');
  const unpacked = `${asarFile}.unpacked`;
  check(existsSync(asarFile), 'resources/app.asar exists');
  const header = readAsarHeader(asarFile);
  for (const bundle of [
    'package.json',
    'dist/main/electron-main.cjs',
    'dist/preload/preload.cjs',
    'dist/renderer/index.html',
    'dist/service/service-cli.cjs',
    'dist/assets/tray/tray-32.png',
    'dist/assets/tray/trayTemplate.png',
    'dist/assets/tray/tray.ico',
    'dist/assets/icon/icon-512.png',
  ]) {
    check(asarEntry(header, bundle)?.size !== undefined, `app.asar holds ${bundle}`);
  }
  check(asarEntry(header, 'main') === undefined, 'app.asar holds no TypeScript sources (main/)');
  check(
    asarEntry(header, 'node_modules/electron') === undefined,
    'app.asar holds no electron package',
  );
  check(
    asarEntry(header, addonRelative)?.unpacked === true,
    `${addonRelative} is marked unpacked in the asar header`,
  );
  check(existsSync(path.join(unpacked, addonRelative)), `app.asar.unpacked holds ${addonRelative}`);
  const vendor = findFiles(path.join(unpacked, 'node_modules/node-notifier/vendor'), () => true);
  check(vendor.length > 0, `app.asar.unpacked holds node-notifier/vendor (${vendor.length} files)`);
  check(existsSync(path.join(appFolder, 'ringside')), 'the executable was renamed to ringside');

  step('fuses (written into the stand-in fuse wire; a real binary is needed to see them act)');
  const wire = readFuseWire(path.join(appFolder, 'ringside'));
  const expected = {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  } as const;
  for (const [fuse, value] of Object.entries(expected)) {
    check(wire[fuse] === value, `fuse ${fuse} = ${String(value)} (got ${String(wire[fuse])})`);
  }

  step('the Windows installers (not built here: they need Windows or Wine and WiX)');
  // electron-builder's own YAML reader (a dependency of it, without typings).
  const yaml = require('js-yaml') as { load(text: string): unknown };
  const configuration = yaml.load(
    readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'),
  ) as {
    win?: { target?: unknown };
    msi?: Record<string, unknown>;
  };
  const windowsTargets = Array.isArray(configuration.win?.target) ? configuration.win.target : [];
  check(
    windowsTargets.includes('nsis') && windowsTargets.includes('msi'),
    `win.target lists nsis and msi (got ${JSON.stringify(windowsTargets)})`,
  );
  const msi = configuration.msi ?? {};
  check(
    msi['perMachine'] === true && msi['oneClick'] === true && msi['runAfterFinish'] === false,
    'msi: one-click, per machine (ALLUSERS=1), not started by the installer',
  );
  check(
    typeof msi['upgradeCode'] === 'string' &&
      /^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$/.test(msi['upgradeCode']),
    `msi.upgradeCode is pinned to a GUID (got ${String(msi['upgradeCode'])})`,
  );

  step('the Node build of better-sqlite3 is untouched');
  const after = fingerprint(nativeAddon);
  check(
    after.sha256 === before.sha256 &&
      after.mtimeMs === before.mtimeMs &&
      after.size === before.size,
    `${addonRelative}: same hash, size and mtime`,
  );

  rmSync(work, { recursive: true, force: true });
  step('notes');
  for (const note of [
    ...notes,
    'The stand-in Electron is not a binary: start-up of the packaged app is not checked here.',
    'Fuses were flipped by electron-builder in a stand-in fuse wire; whether Electron honours them needs a real binary.',
    'npmRebuild was off: a release build rebuilds better-sqlite3 for the Electron ABI.',
  ]) {
    process.stdout.write(`  - ${note}\n`);
  }
  if (failures.length > 0) {
    process.stdout.write(
      `\npackage:check FAILED (${failures.length}):\n${failures.map((f) => `  - ${f}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write('\npackage:check passed\n');
}

await main();
