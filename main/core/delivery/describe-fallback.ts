import type { AlertEvent, EventOfKind } from '../../../common';
import { createEventDescriber, type Description, type EventDescriber } from './describe';

/**
 * Words when the session's describer throws (a lookup failed): the built-in ones with no lookups
 * ("line line-support" for the line, UTC), so the alert still reads as what it is.
 */
const withoutLookups = createEventDescriber({ lineName: () => null });

/**
 * `describer`, falling back to the words without lookups when it throws; `failed` hears of each
 * failure (delivery logs it) with the id of the event it was describing.
 */
export function withFallback(
  describer: EventDescriber,
  failed: (eventId: string, error: unknown) => void,
): EventDescriber {
  const guarded =
    <Input>(
      words: (from: EventDescriber, input: Input) => Description,
      idOf: (input: Input) => string,
    ) =>
    (input: Input): Description => {
      try {
        return words(describer, input);
      } catch (error) {
        failed(idOf(input), error);
        return words(withoutLookups, input);
      }
    };
  const group = guarded(
    (from, input: { events: readonly AlertEvent[]; count: number | undefined }) =>
      from.describeGroup(input.events, input.count),
    (input) => input.events.at(-1)?.id ?? '',
  );
  const missedCalls = guarded(
    (from, input: { events: readonly EventOfKind<'call'>[]; count: number | undefined }) =>
      from.describeMissedCalls(input.events, input.count),
    (input) => input.events.at(-1)?.id ?? '',
  );
  const stopped = guarded(
    (from, call: { ringing: EventOfKind<'call'>; change: EventOfKind<'call'> }) =>
      from.describeCallStopped(call.ringing, call.change),
    (call) => call.ringing.id,
  );
  return {
    describe: guarded(
      (from, event: AlertEvent) => from.describe(event),
      (event) => event.id,
    ),
    describeMissedCall: guarded(
      (from, event: EventOfKind<'call'>) => from.describeMissedCall(event),
      (event) => event.id,
    ),
    describeGroup: (events, count) => group({ events, count }),
    describeMissedCalls: (events, count) => missedCalls({ events, count }),
    describeCallStopped: (ringing, change) => stopped({ ringing, change }),
  };
}
