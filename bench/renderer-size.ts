import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const assets = join(root, 'dist', 'renderer', 'assets');

/** The settings window's JavaScript must stay under this, gzipped (the renderer README's budget). */
export const rendererGzipBudgetBytes = 250 * 1024;

/**
 * The gzip size (level 9, as a web server would send it) of every JavaScript file of the built
 * settings window. Builds it first (`npm run build:renderer`) when dist/renderer is missing.
 */
export function rendererBundleSize(): { file: string; gzipBytes: number }[] {
  if (!existsSync(assets)) {
    execFileSync('npm', ['run', 'build:renderer'], { cwd: root, stdio: 'ignore' });
  }
  return readdirSync(assets)
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => ({
      file: `dist/renderer/assets/${file}`,
      gzipBytes: gzipSync(readFileSync(join(assets, file)), { level: 9 }).length,
    }));
}

/**
 * `npm run bench` row: builds the settings window afresh (so the figure is of the code as it is
 * now) and reports the gzip size of all its JavaScript against the 250 KB budget.
 */
export function benchRendererSize(): {
  name: string;
  value: number;
  unit: string;
  target: string;
  met: boolean;
  detail: string;
}[] {
  execFileSync('npm', ['run', 'build:renderer'], { cwd: root, stdio: 'ignore' });
  const files = rendererBundleSize();
  const total = files.reduce((sum, file) => sum + file.gzipBytes, 0);
  return [
    {
      name: 'settings window JavaScript, gzip -9',
      value: Math.round(total / 102.4) / 10,
      unit: 'KB',
      target: '< 250 KB',
      met: total < rendererGzipBudgetBytes,
      detail: files.map((file) => file.file).join(', '),
    },
  ];
}
