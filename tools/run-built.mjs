// `npm start` and `npm run headless`: run the companion as built JavaScript, never TypeScript
// compiled at start (issue 15: loading through tsx was 0.84 s of a 1.0–1.6 s start). The bundle
// (vite.main.config.ts, mode `launcher` or `headless`) is built once when it is missing or older
// than any source it is made from, then loaded in this process.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bundles = {
  launcher: 'dist/launcher/launcher.cjs',
  headless: 'dist/headless/headless-cli.cjs',
};
/** What a bundle is made from: a newer file here makes it stale. */
const sources = ['main', 'common', 'service', 'package.json', 'vite.main.config.ts'];

/** The newest modification time under `path` (test files aside: they are not bundled). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isFile() && /\.test\.tsx?$/u.test(entry.name)) continue;
    latest = Math.max(latest, newest(join(path, entry.name)));
  }
  return latest;
}

const [mode, ...args] = process.argv.slice(2);
if (!(mode in bundles)) {
  process.stderr.write(`run-built: the mode is one of ${Object.keys(bundles).join(', ')}\n`);
  process.exit(2);
}
const bundle = join(root, bundles[mode]);
const builtAt = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (builtAt < Math.max(...sources.map((source) => newest(join(root, source))))) {
  process.stderr.write(`Building the companion (${mode}) once: the sources changed since.\n`);
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const build = spawnSync(
    process.execPath,
    [vite, 'build', '-c', 'vite.main.config.ts', '--mode', mode, '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// The bundle reads its arguments from process.argv, as when started directly.
process.argv = [process.argv[0] ?? process.execPath, bundle, ...args];
createRequire(import.meta.url)(bundle);
