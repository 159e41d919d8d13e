import type { IpcResponse, RendererApi } from '../common/ipc-contract';

declare global {
  interface Window {
    /** The one bridge to the main process, exposed by preload (or the test bridge). */
    api: RendererApi;
  }
}

let current: RendererApi | null = null;

/** Set once at start-up; stores call invoke methods through `api()`. */
export function setApi(api: RendererApi): void {
  current = api;
}

/** The bridge. Components call invoke methods through store actions, never `on…` directly. */
export function api(): RendererApi {
  if (!current) throw new Error('The settings window started without window.api');
  return current;
}

/** A failed call, as a sentence: the IPC error message, or why the call itself threw. */
export type CallError = { message: string; fields: { path: string; message: string }[] };

/** Runs one invoke and turns a thrown bridge failure into the same shape as a refusal. */
export async function call<Value>(
  run: () => Promise<IpcResponse<Value>>,
): Promise<{ ok: true; value: Value } | { ok: false; error: CallError }> {
  try {
    const response = await run();
    if (response.ok) return { ok: true, value: response.value };
    return {
      ok: false,
      error: { message: response.error.message, fields: response.error.fields ?? [] },
    };
  } catch (error) {
    return {
      ok: false,
      error: { message: error instanceof Error ? error.message : String(error), fields: [] },
    };
  }
}
