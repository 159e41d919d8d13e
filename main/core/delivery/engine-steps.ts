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
