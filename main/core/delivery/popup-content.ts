import type { AlertEvent, EventOfKind } from '../../../common';
import type { PopupAction, PopupCategory, PopupContent, PopupUrgency } from '../ports';
import { standsAlone } from './coalescing-policy';
import type { EventDescriber } from './describe';

/** The buttons a pop-up can carry; what each does is delivery's `onPopupCommand`. */
export const popupActions = {
  muteLine: { id: 'muteLine', label: 'Mute this line for 1 hour' },
  callBack: { id: 'callBack', label: 'Call back' },
  open: { id: 'open', label: 'Open' },
} as const satisfies Record<string, PopupAction>;

export type PopupActionId = keyof typeof popupActions;

/** How an alert's pop-up behaves besides its words: urgency, category, expiry, buttons. */
function styleOf(event: AlertEvent): Omit<PopupContent, 'itemId' | 'title' | 'body'> {
  const urgency: PopupUrgency = standsAlone(event) ? 'critical' : 'normal';
  switch (event.kind) {
    case 'call':
      // A ringing call stays until it stops ringing: the call's end closes or replaces it.
      return event.state === 'ringing'
        ? {
            urgency,
            category: 'call.incoming',
            expiry: 'never',
            actions: [popupActions.muteLine],
          }
        : { urgency, category: 'call.ended' };
    case 'text':
      return { urgency, category: 'im.received', actions: [popupActions.open] };
    case 'voicemail':
      return { urgency, category: 'x-ringside.voicemail', actions: [popupActions.open] };
    default:
      return { urgency, category: `x-ringside.${event.kind}` satisfies PopupCategory };
  }
}

/**
 * The pop-up of what the coalescing policy shows under one key: one alert with its own words,
 * a group (the latest alert's content and the count, not urgent), or a catch-up's missed calls.
 * It opens the latest alert's item. `events` may be only the latest of the `count` it stands
 * for (a group's paint carries the alerts new since its last one).
 */
export function popupContentOf(
  describer: EventDescriber,
  events: readonly AlertEvent[],
  summary: 'missedCalls' | null,
  count = events.length,
): PopupContent | null {
  const last = events.at(-1);
  if (!last) return null;
  if (summary === 'missedCalls') {
    const calls = events.filter((event): event is EventOfKind<'call'> => event.kind === 'call');
    const lastCall = calls.at(-1);
    if (count === 1 && lastCall) return missedCallContent(describer, lastCall);
    const text = describer.describeMissedCalls(calls, count);
    return { itemId: last.id, title: text.title, body: text.body, category: 'call.unanswered' };
  }
  if (count === 1) {
    const text = describer.describe(last);
    return { itemId: last.id, title: text.title, body: text.body, ...styleOf(last) };
  }
  const text = describer.describeGroup(events, count);
  const { actions, category } = styleOf(last);
  return {
    itemId: last.id,
    title: text.title,
    body: text.body,
    urgency: 'normal',
    ...(category ? { category } : {}),
    ...(actions ? { actions } : {}),
  };
}

/** What a ringing call's pop-up becomes when nobody answered: "Missed call from Ann Lee". */
export function missedCallContent(
  describer: EventDescriber,
  ringing: EventOfKind<'call'>,
): PopupContent {
  const text = describer.describeMissedCall(ringing);
  return {
    itemId: ringing.id,
    title: text.title,
    body: text.body,
    urgency: 'normal',
    category: 'call.unanswered',
    expiry: 'default',
    ...(ringing.from === 'anonymous' ? {} : { actions: [popupActions.callBack] }),
  };
}
