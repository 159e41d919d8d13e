import type { AlertEvent, EventOfKind } from '../../../common';

/** A call that rings now (its pop-up stays until it stops). */
export function isRingingCall(event: AlertEvent): event is EventOfKind<'call'> {
  return event.kind === 'call' && event.state === 'ringing';
}

/**
 * Alerts that must be seen now and in full: never folded into a group, each its own pop-up with
 * its own words. Ringing calls, usage at 100 %, a failed payment, billing warnings, and
 * appointment reminders (two reminders in one window each keep their name and time).
 */
export function standsAlone(event: AlertEvent): boolean {
  switch (event.kind) {
    case 'call':
      return event.state === 'ringing';
    case 'usageThreshold':
      return event.threshold === 100;
    case 'paymentFailed':
    case 'appointmentReminder':
      return true;
    case 'accountReport':
      return event.report === 'billingWarning';
    default:
      return false;
  }
}

/**
 * The pop-up an event's alert goes to: its own (a ringing call's key names the call, so its
 * pop-up can be found when the call stops), else its group, by line and kind: different alert
 * types never merge. The one place that says which pop-ups become one.
 */
export function popupKey(event: AlertEvent): string {
  if (isRingingCall(event)) return callPopupKey(event.callId);
  if (standsAlone(event)) return `alone\u0000${event.id}`;
  return `group\u0000${'lineId' in event ? event.lineId : ''}\u0000${event.kind}`;
}

/** The pop-up of a ringing call. */
export function callPopupKey(callId: string): string {
  return `call\u0000${callId}`;
}
