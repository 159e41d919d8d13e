import type { AlertEvent, AlertType, Decision, EventOfKind, PopupRecord } from '../../../common';
import type { ProcessedEventRepository } from '../store/repositories';
import type { EventDescriber } from './describe';
import type { InAppList } from './in-app-list';

type CallEvent = EventOfKind<'call'>;

/**
 * The longest a call rings a person's devices: 10 minutes, far past any ring or ring-group
 * timeout before voicemail. A ringing pop-up still up after this lost its call's stop (the
 * service sends one for every call, but a stop can be lost): it is replaced by the missed call
 * and forgotten (`PopupBoard`), so a lost stop neither keeps a pop-up ringing nor its memory
 * forever. Its in-app item keeps saying "Incoming call" until a stop arrives, if one ever does.
 */
export const longestRingMilliseconds = 10 * 60_000;

/** How a call stands when one of its events is delivered, read from the store. */
export type CallStanding =
  /** Not a call event. */
  | { kind: 'none' }
  /** A ringing call that has not stopped ringing (as far as the store knows). */
  | { kind: 'ringing' }
  /** A ringing call seen after its stop (a late or replayed "ringing"): it must not pop. */
  | { kind: 'ringingAfterStop'; stop: CallEvent }
  /** The first stop of a call (answered, missed, ended): its ringing pop-ups close or change. */
  | { kind: 'stopped'; ringing: CallEvent[] }
  /** A later state of a call already stopped (ended after answered): nothing changes. */
  | { kind: 'alreadyStopped' };

/**
 * The life of a call as delivery follows it: ringing, then stopped once (answered here or on
 * any device, missed, or ended by the caller). Its state comes from the store (every recorded
 * event of the call, `ProcessedEventRepository.callEvents`), never from a bounded memory, so
 * however many calls came since, a late "ringing" is known to be over and a stop finds its
 * ringing event.
 */
export class CallLife {
  readonly #events: Pick<ProcessedEventRepository, 'callEvents'>;
  readonly #list: InAppList;
  readonly #describer: EventDescriber;

  constructor(options: {
    events: Pick<ProcessedEventRepository, 'callEvents'>;
    list: InAppList;
    describer: EventDescriber;
  }) {
    this.#events = options.events;
    this.#list = options.list;
    this.#describer = options.describer;
  }

  /** Where `event`'s call stands; `event` itself is already recorded in this batch. */
  standing(event: AlertEvent): CallStanding {
    if (event.kind !== 'call') return { kind: 'none' };
    const history = this.#events.callEvents(event.callId).filter((each) => each.id !== event.id);
    const stop = history.find((each) => each.state !== 'ringing');
    if (event.state === 'ringing')
      return stop ? { kind: 'ringingAfterStop', stop } : { kind: 'ringing' };
    if (stop) return { kind: 'alreadyStopped' };
    return { kind: 'stopped', ringing: history.filter((each) => each.state === 'ringing') };
  }

  /**
   * Inside the event's batch: the in-app items of the call's ringing events now say how it
   * ended ("Answered by Taylor Reed", "Missed call from Ann Lee"), unread again. A failed write
   * throws: the batch must roll back.
   */
  rewriteItems(ringing: readonly CallEvent[], stop: CallEvent): void {
    for (const call of ringing) {
      this.#list.update(call.id, this.#describer.describeCallStopped(call, stop));
    }
  }

  /** The words of a ringing call seen after its stop, for its item. */
  wordsAfterStop(ringing: CallEvent, stop: CallEvent): { title: string; body: string } {
    return this.#describer.describeCallStopped(ringing, stop);
  }
}

/** The record of a ringing call's pop-up that never showed: the call had ended. */
export function withdrawn(): PopupRecord {
  return { status: 'withdrawn', reason: 'The call had ended before it could pop up' };
}

/**
 * A ringing call of a type the person lets break through quiet hours: it still pops up while
 * the system's do-not-disturb is on.
 */
export function ringsThrough(
  event: AlertEvent,
  decision: Decision,
  breakThrough: readonly AlertType[],
): boolean {
  return (
    event.kind === 'call' &&
    event.state === 'ringing' &&
    decision.alertType !== null &&
    breakThrough.includes(decision.alertType)
  );
}
