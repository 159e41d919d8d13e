import type { AlertEvent, AlertType, Decision, EventOfKind, PopupRecord } from '../../../common';
import type { BatchRunner } from '../event-batch';
import type { Clock, Logger, PopupContent } from '../ports';
import type { MetaRepository, ProcessedEventRepository } from '../store/repositories';
import type { EventDescriber } from './describe';
import type { InAppList } from './in-app-list';
import { missedCallContent } from './popup-content';

type CallEvent = EventOfKind<'call'>;

/**
 * The longest a call rings a person's devices: 10 minutes, far past any ring or ring-group
 * timeout before voicemail. A ringing pop-up still up after this lost its call's stop (the
 * service sends one for every call, but a stop can be lost): it is replaced by the missed call
 * and forgotten (`PopupBoard`), so a lost stop neither keeps a pop-up ringing nor its memory
 * forever. Its in-app item says so too, as a missed call's does (`CallLife.ringOut`); a stop
 * that arrives later still rewrites it ("Answered by Taylor Reed").
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
  readonly #events: CallEvents;
  readonly #list: InAppList;
  readonly #describer: EventDescriber;
  readonly #batches: Pick<BatchRunner, 'run'>;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: {
    events: CallEvents;
    list: InAppList;
    describer: EventDescriber;
    batches: Pick<BatchRunner, 'run'>;
    clock: Clock;
    logger: Logger;
  }) {
    this.#events = options.events;
    this.#list = options.list;
    this.#describer = options.describer;
    this.#batches = options.batches;
    this.#clock = options.clock;
    this.#logger = options.logger;
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

  /**
   * A ringing pop-up rang past the longest ring (`PopupBoard`): its call's stop was lost. In a
   * batch of its own, committed before the pop-up changes, the call's ringing items say what a
   * missed call's say, as a "missed" stop would (`rewriteItems`); nothing is recorded as the
   * call's stop, so one that arrives later still rewrites them. Returns what the pop-up becomes.
   */
  ringOut(call: CallEvent): PopupContent | null {
    this.#ringOutItems([call]);
    return missedCallContent(this.#describer, call);
  }

  /**
   * At start, before owed pop-ups are raised again: the ringing calls recorded since the last
   * start's check (`checked`: the store's meta) whose call has no stop recorded. Those that rang
   * longer than the longest ring ago rang out while no companion followed them: their items say
   * so now, and a pop-up still owed for one is withdrawn rather than raised ringing (one batch,
   * with the check's new mark). The others are returned with when they rang, to ring out then.
   */
  ringOutLeftovers(checked: RingOutCheck): Array<{
    call: CallEvent;
    rang: number;
  }> {
    const through = this.#clock.now() - longestRingMilliseconds;
    const kept = Number(checked.get(checkedKey) ?? Number.NaN);
    const since = Number.isFinite(kept) ? kept : -1;
    const leftovers = this.#events.unstoppedCalls(since);
    const owed = new Set(leftovers.filter((each) => each.owed).map(({ event }) => event.id));
    this.#ringOutItems(
      leftovers.filter(({ decidedAt }) => decidedAt <= through).map(({ event }) => event),
      (call) => {
        if (owed.has(call.id)) this.#events.markNotified(call.id, this.#clock.now(), rangOut());
      },
      () => {
        if (through > since) checked.set(checkedKey, String(through));
      },
    );
    return leftovers
      .filter(({ decidedAt }) => decidedAt > through)
      .map(({ event, decidedAt }) => ({ call: event, rang: decidedAt }));
  }

  /** In a batch of its own: each call's ringing items say missed unless a stop came meanwhile. */
  #ringOutItems(
    calls: readonly CallEvent[],
    each: (call: CallEvent) => void = () => undefined,
    last: () => void = () => undefined,
  ): void {
    try {
      this.#batches.run(() => {
        for (const call of calls) {
          // A stop recorded meanwhile has already said how the call ended.
          const history = this.#events.callEvents(call.callId);
          if (history.some((event) => event.state !== 'ringing')) continue;
          this.rewriteItems(
            history.filter((event) => event.state === 'ringing'),
            { ...call, state: 'missed' },
          );
          each(call);
        }
        last();
      });
    } catch (error) {
      // The pop-up still stops ringing; the next start's check finds the call again.
      this.#logger.error('Ringing out a call failed', { error: String(error) });
    }
  }

  /** The words of a ringing call seen after its stop, for its item. */
  wordsAfterStop(ringing: CallEvent, stop: CallEvent): { title: string; body: string } {
    return this.#describer.describeCallStopped(ringing, stop);
  }
}

/** What ring-outs need of the store: a call's events, the calls left ringing, a pop-up's record. */
type CallEvents = Pick<ProcessedEventRepository, 'callEvents' | 'unstoppedCalls' | 'markNotified'>;

/** Where a start's check of calls left ringing is kept: the store's meta. */
export type RingOutCheck = Pick<MetaRepository, 'get' | 'set'>;

/** Where the store keeps how far `ringOutLeftovers` looked (calls decided up to then are done). */
const checkedKey = 'callsRungOutThrough';

/** The record of a ringing call's pop-up owed at start, after the call rang out. */
function rangOut(): PopupRecord {
  return { status: 'withdrawn', reason: 'The call rang out before it could pop up' };
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
