import type { PopupContent } from '../ports';
import type { Coalescable, CoalescingStep } from './coalescing-policy';

/** Per turn of the event loop: the longest steps are carried out, the held deliveries released. */
export const stepSliceMilliseconds = 8;
export const backlogSlice = 2_000;

/** The policy's steps, and a ringing pop-up to stop (closed, or replaced by these words). */
export type EngineStep =
  CoalescingStep<Delivery> | { step: 'stopCall'; key: string; content: PopupContent | null };

export interface Delivery extends Coalescable {
  inApp: boolean;
  quietReason: string | null;
}

/**
 * The steps but releases: a release needs nothing from the engine (the item was written with
 * its event), and the 100,000 of a long catch-up's end, queued, would only outlive a
 * young-generation collection or two.
 */
export function withoutReleases(steps: readonly EngineStep[]): EngineStep[] {
  return steps.filter((step) => step.step !== 'release');
}
