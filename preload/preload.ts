import { contextBridge } from 'electron';
import { createTypedIpcRenderer } from './ipc-renderer';
import { createRendererApi } from './renderer-api';

/**
 * The settings window's preload (bundled to dist/preload/preload.cjs; runs sandboxed with
 * context isolation): exposes `window.api` and nothing else.
 */
contextBridge.exposeInMainWorld('api', createRendererApi(createTypedIpcRenderer()));
