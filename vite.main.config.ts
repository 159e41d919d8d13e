import { builtinModules } from 'node:module';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/**
 * Builds the desktop shell's CommonJS bundles, one mode each (`vite build -c vite.main.config.ts
 * --mode <mode>`):
 *   main     main/electron/electron-main.ts → dist/main/electron-main.cjs (package.json "main")
 *   preload  preload/preload.ts             → dist/preload/preload.cjs
 *   service  service/cli.ts                 → dist/service/service-cli.cjs (the embedded demo
 *            service, run in a utilityProcess; service/ stays out of main/ by the layering)
 *   headless main/headless/cli.ts           → dist/headless/headless-cli.cjs (`npm run headless`)
 *   launcher main/launcher.ts               → dist/launcher/launcher.cjs (`npm start`; the
 *            headless companion inlined for where Electron cannot start)
 *   The last two are built on demand by tools/run-built.mjs when missing or stale.
 * Main and service leave every runtime dependency to node_modules (packaged beside them, the
 * native better-sqlite3 and node-notifier's vendor binaries unpacked from the asar). The preload
 * is one self-contained file: a sandboxed preload can `require` only `electron`.
 */

const root = fileURLToPath(new URL('.', import.meta.url));
const packageJson = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  dependencies: Record<string, string>;
};
const runtimeDependencies = Object.keys(packageJson.dependencies);
const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** Whether an import stays a `require` in the bundle (a package from node_modules, or Node's). */
function externalFor(packages: readonly string[]) {
  return (id: string) =>
    nodeBuiltins.includes(id) || packages.some((name) => id === name || id.startsWith(`${name}/`));
}

const entries = {
  main: { entry: 'main/electron/electron-main.ts', outDir: 'dist/main', file: 'electron-main' },
  preload: { entry: 'preload/preload.ts', outDir: 'dist/preload', file: 'preload' },
  service: { entry: 'service/cli.ts', outDir: 'dist/service', file: 'service-cli' },
  headless: { entry: 'main/headless/cli.ts', outDir: 'dist/headless', file: 'headless-cli' },
  launcher: { entry: 'main/launcher.ts', outDir: 'dist/launcher', file: 'launcher' },
} as const;

type BundleMode = keyof typeof entries;

function isBundleMode(mode: string): mode is BundleMode {
  return mode in entries;
}

/** The main bundle loads tray and window icons from dist/assets (inside the asar). */
function copyAssets(): Plugin {
  return {
    name: 'ringside-copy-assets',
    closeBundle() {
      const target = `${root}dist/assets`;
      rmSync(target, { recursive: true, force: true });
      for (const folder of ['tray', 'icon']) {
        cpSync(`${root}assets/${folder}`, `${target}/${folder}`, {
          recursive: true,
          filter: (source) => !source.includes(`${folder}/linux`) && !/\.(icns|md)$/.test(source),
        });
      }
    },
  };
}

export function shellBundleConfig(mode: string): UserConfig {
  if (!isBundleMode(mode)) {
    throw new Error(`--mode is one of ${Object.keys(entries).join(', ')}; got "${mode}"`);
  }
  const { entry, outDir, file } = entries[mode];
  const external =
    mode === 'preload'
      ? externalFor(['electron'])
      : externalFor(['electron', ...runtimeDependencies]);
  return {
    root,
    publicDir: false,
    plugins: mode === 'main' ? [copyAssets()] : [],
    logLevel: 'warn',
    resolve: { conditions: ['node'] },
    build: {
      outDir: `${root}${outDir}`,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      sourcemap: false,
      reportCompressedSize: false,
      ssr: `${root}${entry}`,
      rollupOptions: {
        external,
        onwarn(warning, warn) {
          // zod's sources carry comments Rollup cannot place; harmless, and not ours to fix.
          if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
          warn(warning);
        },
        output: { format: 'cjs', entryFileNames: `${file}.cjs`, inlineDynamicImports: true },
      },
    },
    ssr: { noExternal: true, target: 'node' },
  };
}

// Vite reads its config from the default export.
export default defineConfig(({ mode }) => shellBundleConfig(mode));
