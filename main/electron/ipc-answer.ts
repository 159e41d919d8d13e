import { invokeCalls, type IpcErrorCode, type IpcResponse, type InvokeName } from '../../common';
import { CompanionError, type CompanionCalls } from '../core/companion-api';
import type { Logger } from '../core/ports';

/**
 * How every invoke of the contract is answered once its sender is trusted, kept free of
 * `electron` so the browser tests' bridge answers exactly as main does: the arguments validated
 * with the contract's zod schema (field errors, never a crash), the matching call made, and a
 * `CompanionError` turned into an error answer. Anything else becomes `internal` with no details:
 * a page should not learn the main process's internals (they go to the log).
 */
export async function answerCall(
  calls: CompanionCalls,
  name: InvokeName,
  args: unknown,
  logger: Logger,
): Promise<IpcResponse<unknown>> {
  const parsed = invokeCalls[name].args.safeParse(args);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'invalidArguments',
        message: `Invalid arguments for ${name}.`,
        fields: parsed.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.message,
        })),
      },
    };
  }
  try {
    const call = calls[name] as (args: unknown) => Promise<unknown>;
    return { ok: true, value: await call(parsed.data) };
  } catch (error) {
    if (error instanceof CompanionError) {
      const answer = failure(error.code, error.message);
      if (error.fields && !answer.ok) answer.error.fields = error.fields;
      return answer;
    }
    logger.error('ipc: call failed', { call: name, error: String(error) });
    return failure('internal', `${name} failed; the details are in the log.`);
  }
}

export function failure(code: IpcErrorCode, message: string): IpcResponse<never> {
  return { ok: false, error: { code, message } };
}

/**
 * The calls the IPC handlers make: each Companion method by the same name, except where the
 * shell answers itself (opening a link goes through the shell's allow-list, not the core).
 */
export function companionCalls(
  companion: CompanionCalls,
  overrides: Partial<CompanionCalls> = {},
): CompanionCalls {
  const calls: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(invokeCalls) as InvokeName[]) {
    const override = overrides[name] as ((args: unknown) => Promise<unknown>) | undefined;
    const method = companion[name] as (args: unknown) => Promise<unknown>;
    calls[name] = override ?? ((args) => method.call(companion, args));
  }
  return calls as unknown as CompanionCalls;
}
