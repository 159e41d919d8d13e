import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { headlessOptionRows, optionLines } from './headless/options';

/**
 * `npm start`: the desktop shell where an Electron binary can start, otherwise the headless
 * companion, with ONE line saying why. Electron's own `require('electron')` downloads a missing
 * binary, so the path is resolved here the same way without ever downloading.
 */

/** The folder holding package.json: two levels up from the built bundle (dist/launcher/), one from here. */
const projectRoot = (() => {
  for (const up of ['../', '../../']) {
    const folder = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(folder, 'package.json'))) return folder;
  }
  return process.cwd();
})();

type ElectronCheck = { ok: true; binary: string; main: string } | { ok: false; why: string };

/** Where the electron package keeps its binary (node_modules/electron/path.txt → dist/…). */
function electronBinary(): { path: string } | { why: string } {
  let packageFolder: string;
  try {
    packageFolder = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { why: 'the electron package is not installed' };
  }
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const pathFile = join(packageFolder, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (override) return { path: join(override, relative ?? 'electron') };
  if (relative === null) return { why: `no binary at ${join(packageFolder, 'dist')}` };
  return { path: join(packageFolder, 'dist', relative) };
}

export function checkElectron(): ElectronCheck {
  const binary = electronBinary();
  if ('why' in binary) return { ok: false, why: binary.why };
  if (!existsSync(binary.path)) return { ok: false, why: `no binary at ${binary.path}` };
  // It must also execute here (a binary for another system, missing libraries, no display…).
  const probe = spawnSync(binary.path, ['--version'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    timeout: 10_000,
    encoding: 'utf8',
  });
  if (probe.error || probe.status !== 0) {
    const reason =
      probe.error?.message ?? probe.stderr.trim().split('\n')[0] ?? `exit ${probe.status}`;
    return { ok: false, why: `${binary.path} does not run here (${reason})` };
  }
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    return { ok: false, why: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  const packageJson = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    main?: string;
  };
  const main = join(projectRoot, packageJson.main ?? 'dist/main/electron-main.cjs');
  if (!existsSync(main))
    return { ok: false, why: `the desktop shell is not built (${main} is missing)` };
  return { ok: true, binary: binary.path, main };
}

/** What the desktop shell reads from its environment (it takes no flags of its own). */
export const shellSettingRows = [
  {
    name: 'RINGSIDE_SERVICE_URL, RINGSIDE_TOKEN',
    description: 'the service to sign in to (else <userData>/service.json, else the demo service)',
  },
  { name: 'RINGSIDE_USER_DATA=<folder>', description: "the shell's profile folder" },
  {
    name: 'RINGSIDE_DEMO_SCENARIO=off',
    description: 'start the demo service without playing the demo',
  },
] as const;

/** `npm start -- --help`: the launcher, the shell's settings, then every headless option. */
export function launcherHelp(): string {
  const width = Math.max(...shellSettingRows.map((row) => row.name.length)) + 2;
  return [
    'Usage: npm start -- [options]',
    'Starts the desktop shell where Electron can run here, otherwise the headless companion.',
    'The desktop shell reads its environment:',
    ...shellSettingRows.map((row) => `  ${row.name.padEnd(width)}${row.description}`),
    'The headless companion takes these options (npm run headless -- [options]):',
    ...optionLines(headlessOptionRows),
  ].join('\n');
}

async function launch(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${launcherHelp()}\n`);
    return;
  }
  const check = checkElectron();
  if (check.ok) {
    const child = spawn(check.binary, [projectRoot, ...process.argv.slice(2)], {
      stdio: 'inherit',
      cwd: projectRoot,
    });
    child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => child.kill(signal));
    }
    return;
  }
  process.stderr.write(
    `Electron cannot start here (${check.why}); running the headless companion.\n`,
  );
  await import('./headless/cli');
}

void launch();
