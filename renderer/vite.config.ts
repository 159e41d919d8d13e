// The build config runs in Node, outside the window: the renderer's import limits do not apply.
// eslint-disable-next-line layers/layering
import react from '@vitejs/plugin-react';
// eslint-disable-next-line layers/layering
import { defineConfig } from 'vite';

const rendererFolder = new URL('.', import.meta.url).pathname;

/**
 * Builds the settings window: root `renderer/`, output `dist/renderer/`. Relative asset paths, so
 * the same build works under the Electron shell's `app://ringside/` and over HTTP (tests,
 * `vite preview`).
 * The dev-only page (`dev/index.html`, the fake api) is served by `vite` but never built.
 */
export const rendererConfig = defineConfig({
  root: rendererFolder,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${rendererFolder}../dist/renderer`,
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2023',
    rollupOptions: {
      input: { index: `${rendererFolder}index.html` },
      onwarn(warning, warn) {
        // zod's sources carry comments Rollup cannot place; harmless, and not ours to fix.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
  server: { host: '127.0.0.1', strictPort: false },
  preview: { host: '127.0.0.1' },
});

// Vite looks for the default export of its config file.
// eslint-disable-next-line no-restricted-syntax
export default rendererConfig;
