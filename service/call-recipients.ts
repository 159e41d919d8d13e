import type { EventBody } from './event-hub';
import type { ServiceStore, ServiceUser } from './store';

/**
 * Who gets a call's change of state: the users it was injected for, and every user who was sent
 * that call ringing. A ring group's call rings on every member's devices; when one member
 * answers (or the call is missed, or the caller hangs up), every member who got it ringing gets
 * the change, so no other device keeps ringing. Users of another business are never added.
 */
export function callStateRecipients(
  store: Pick<ServiceStore, 'ringingRecipients' | 'user'>,
  body: EventBody,
  targets: readonly ServiceUser[],
): ServiceUser[] {
  // The body was validated against its kind's schema (`parseEventBody`).
  if (body.kind !== 'call' || body.state === 'ringing' || typeof body.callId !== 'string') {
    return [...targets];
  }
  const businessIds = new Set(targets.map((user) => user.businessId));
  const recipients = new Map(targets.map((user) => [user.id, user]));
  for (const userId of store.ringingRecipients(body.callId)) {
    if (recipients.has(userId)) continue;
    const user = store.user(userId);
    if (user && businessIds.has(user.businessId)) recipients.set(userId, user);
  }
  return [...recipients.values()];
}
