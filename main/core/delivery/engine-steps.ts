import type { PopupContent } from '../ports';
import type { Coalescable, CoalescingStep } from './coalescing-policy';

/** Per turn of the event loop: the longest steps are carried out, the held deliveries released. */
export const stepSliceMilliseconds = 8;
export const backlogSlice = 2_000;

/**
 * The policy's steps, a ringing pop-up to stop (closed, or replaced by these words), and a run
 * of withdrawn calls carried out at once (`recorded`: those that owed a pop-up, recorded
 * withdrawn; `settled`: the others, only settled).
 */
export type EngineStep =
  | CoalescingStep<Delivery>
  | { step: 'stopCall'; key: string; content: PopupContent | null }
  | { step: 'withdrawAll'; recorded: string[]; settled: string[] };

export interface Delivery extends Coalescable {
  inApp: boolean;
  quietReason: string | null;
}

/**
 * A slice of a catch-up's end as the engine carries it out: no releases (a release needs
 * nothing from the engine, the item was written with its event, and the 100,000 of a long
 * catch-up's end, queued, would only outlive a young-generation collection or two), and each
 * run of withdrawn calls one step: their records written in one statement and their decisions
 * told together (one transaction and one read-back each cost 0.1 ms: 10,000 calls that rang
 * out while offline, one by one, were a second of the end).
 */
export function backlogSteps(steps: readonly EngineStep[]): EngineStep[] {
  const carried: EngineStep[] = [];
  let run: Extract<EngineStep, { step: 'withdrawAll' }> | null = null;
  for (const step of steps) {
    if (step.step === 'release') continue;
    if (step.step !== 'withdraw') {
      run = null;
      carried.push(step);
      continue;
    }
    if (!run) {
      run = { step: 'withdrawAll', recorded: [], settled: [] };
      carried.push(run);
    }
    (step.delivery.popUp ? run.recorded : run.settled).push(step.call.id);
  }
  return carried;
}
