import { z } from 'zod';
import { accountAlertTypes } from './alert-types';
import { idSchema, isoInstantSchema } from './preferences';

/**
 * What happens in the phone system, as the service sends it over the socket (and as the
 * companion's own detectors and scheduler raise it). Every string is bounded: a 1 MB "contact
 * name" is invalid input, not something to render.
 */

const text = (max: number) => z.string().max(max);
const name = text(200);

/** Who a call or text came from: E.164, a short code, or "anonymous". */
export const callerSchema = z
  .string()
  .regex(/^(\+[1-9]\d{1,14}|\d{3,8}|anonymous)$/, 'Expected E.164, a short code or "anonymous"');

export const appointmentSchema = z
  .strictObject({
    id: idSchema,
    title: name,
    startsAt: isoInstantSchema,
    endsAt: isoInstantSchema,
    contactName: name.nullable(),
  })
  .refine((appointment) => Date.parse(appointment.endsAt) >= Date.parse(appointment.startsAt), {
    message: 'An appointment ends after it starts',
    path: ['endsAt'],
  });
export type Appointment = z.infer<typeof appointmentSchema>;

export const reminderOffsets = ['1d', '1h', '15m', '1m'] as const;
export type ReminderOffset = (typeof reminderOffsets)[number];
export const reminderOffsetMilliseconds: Record<ReminderOffset, number> = {
  '1d': 24 * 60 * 60 * 1000,
  '1h': 60 * 60 * 1000,
  '15m': 15 * 60 * 1000,
  '1m': 60 * 1000,
};

export const usageThresholds = [75, 90, 100] as const;
export type UsageThreshold = (typeof usageThresholds)[number];

const lineEvent = { lineId: idSchema, from: callerSchema, contactName: name.nullable() };

/**
 * Where a call is in its life, as the service tells it: `ringing`, then one of `answered` (by a
 * user of the business, here or on any other device: `answeredBy`), `missed` (nobody answered),
 * or `ended` (the caller hung up, or the answered call finished). A ring group's call goes to
 * every member who got it ringing, so one teammate answering stops every other device ringing.
 */
export const callStates = ['ringing', 'answered', 'missed', 'ended'] as const;
export type CallState = (typeof callStates)[number];

/** Who answered a call: a user of the business, and the device or line they took it on. */
export const callAnswererSchema = z.strictObject({
  userId: idSchema,
  name,
  /** "Desk phone", "Softphone on Taylor's laptop": where they took it, when known. */
  device: name.nullable().optional(),
});
export type CallAnswerer = z.infer<typeof callAnswererSchema>;

/** The body of each kind of event, without the envelope. */
export const eventBodies = {
  call: {
    ...lineEvent,
    callId: idSchema,
    state: z.enum(callStates),
    /** Only with `answered` (the service sends it there; elsewhere it is ignored). */
    answeredBy: callAnswererSchema.optional(),
  },
  text: { ...lineEvent, body: text(2000) },
  voicemail: { ...lineEvent, durationSeconds: z.int().min(0).max(86_400), transcript: text(4000) },
  fax: { ...lineEvent, pages: z.int().min(1).max(10_000) },
  mention: { byName: name, conversation: name, excerpt: text(500) },
  contactAssigned: {
    contactId: idSchema,
    contactName: name,
    /** Ownership changed by an automated sequence rather than by a person. */
    sequenceName: name.nullable(),
  },
  appointmentAssigned: { appointment: appointmentSchema },
  reminderAssigned: { reminderId: idSchema, title: name, dueAt: isoInstantSchema },
  appointmentCreated: { appointment: appointmentSchema },
  appointmentUpdated: { appointment: appointmentSchema },
  appointmentCancelled: { appointmentId: idSchema },
  appointmentReminder: { appointment: appointmentSchema, offset: z.enum(reminderOffsets) },
  highSms: {
    lineId: idSchema,
    from: callerSchema,
    contactName: name.nullable(),
    count: z.int().min(1),
    windowSeconds: z.int().min(1),
  },
  lead: {
    leadId: idSchema,
    name,
    score: z.int().min(0).max(100),
    change: z.enum(['new', 'updated']),
  },
  usage: {
    periodId: idSchema,
    usedMinutes: z.number().min(0).max(1e9),
    includedMinutes: z.number().positive().max(1e9),
  },
  usageThreshold: {
    periodId: idSchema,
    threshold: z.union([z.literal(75), z.literal(90), z.literal(100)]),
    usedMinutes: z.number().min(0).max(1e9),
    includedMinutes: z.number().positive().max(1e9),
  },
  paymentFailed: {
    amountCents: z.int().min(0).max(1e12),
    currency: z.string().regex(/^[A-Z]{3}$/),
    reason: text(300),
  },
  accountReport: { report: z.enum(accountAlertTypes), summary: text(2000) },
} as const;

export type EventKind = keyof typeof eventBodies;
export const eventKinds = Object.keys(eventBodies) as EventKind[];

/** Every event in the companion: an id unique across the system and when it happened. */
const envelope = { id: idSchema, occurredAt: isoInstantSchema };

/** Service events also carry the user they are for and a per-user, strictly increasing sequence. */
const serviceEnvelope = { ...envelope, seq: z.int().positive(), userId: idSchema };

function variants<Extra extends z.ZodRawShape>(extra: Extra) {
  const build = <Kind extends EventKind>(kind: Kind) =>
    z.strictObject({ ...extra, kind: z.literal(kind), ...eventBodies[kind] });
  return [
    build('call'),
    build('text'),
    build('voicemail'),
    build('fax'),
    build('mention'),
    build('contactAssigned'),
    build('appointmentAssigned'),
    build('reminderAssigned'),
    build('appointmentCreated'),
    build('appointmentUpdated'),
    build('appointmentCancelled'),
    build('appointmentReminder'),
    build('highSms'),
    build('lead'),
    build('usage'),
    build('usageThreshold'),
    build('paymentFailed'),
    build('accountReport'),
  ] as const;
}

/** An event inside the companion: from the service or raised by a detector or the scheduler. */
export const alertEventSchema = z.discriminatedUnion('kind', variants(envelope));
export type AlertEvent = z.infer<typeof alertEventSchema>;

/** An event on the wire from the service. */
export const serviceEventSchema = z.discriminatedUnion('kind', variants(serviceEnvelope));
export type ServiceEvent = z.infer<typeof serviceEventSchema>;

/** Why the service holds an email or text back for a digest (`service/README.md`, digests). */
export const holdReasons = ['burst', 'hourlyCap'] as const;
export type HoldReason = (typeof holdReasons)[number];

/**
 * What the service did for the event's user on one channel it owns (email, SMS): the outbox
 * entry it wrote, or why it sent nothing. The companion shows these, never its own guess.
 * `code` is a policy reason code (`ReasonCode`) or a service-side one; `explanation` is a
 * sentence for people.
 *
 * Protocol 3 adds two statuses (older devices get them as `notSent`/`sent`: `outcomeForProtocol`):
 * - `held`: not sent yet, waiting for a digest due at `digestAt` (`reason`: another message of
 *   the same type and line went out within the burst window, or the destination's hourly cap is
 *   reached). The outcome changes once the digest is sent (`socketMessages.outcomeUpdated`).
 * - `digested`: sent as part of the digest in outbox entry `outboxId`.
 */
export const serviceDeliverySchema = z.discriminatedUnion('status', [
  z.strictObject({
    channel: z.enum(['email', 'text']),
    status: z.literal('sent'),
    outboxId: z.int().positive(),
    destination: text(320),
  }),
  z.strictObject({
    channel: z.enum(['email', 'text']),
    status: z.literal('notSent'),
    code: z.string().min(1).max(64),
    explanation: text(500),
  }),
  z.strictObject({
    channel: z.enum(['email', 'text']),
    status: z.literal('held'),
    reason: z.enum(holdReasons),
    digestAt: isoInstantSchema,
    explanation: text(500),
  }),
  z.strictObject({
    channel: z.enum(['email', 'text']),
    status: z.literal('digested'),
    outboxId: z.int().positive(),
    destination: text(320),
  }),
]);
export type ServiceDelivery = z.infer<typeof serviceDeliverySchema>;

/** Everything the service did about one event for its user on email and SMS. */
export const serviceOutcomeSchema = z.strictObject({
  deliveries: z.array(serviceDeliverySchema).max(16),
});
export type ServiceOutcome = z.infer<typeof serviceOutcomeSchema>;

/** The first protocol whose devices understand `held` and `digested` deliveries. */
export const digestProtocol = 3;

/**
 * An outcome as a device of `protocol` can read it: before protocol 3, a held delivery is
 * `notSent` (code `heldForDigest`, with its explanation) and a digested one is `sent` with the
 * digest's outbox entry, which is where it went.
 */
export function outcomeForProtocol(outcome: ServiceOutcome, protocol: number): ServiceOutcome {
  if (protocol >= digestProtocol) return outcome;
  return {
    deliveries: outcome.deliveries.map((delivery): ServiceDelivery => {
      switch (delivery.status) {
        case 'sent':
        case 'notSent':
          return delivery;
        case 'held':
          return {
            channel: delivery.channel,
            status: 'notSent',
            code: 'heldForDigest',
            explanation: delivery.explanation,
          };
        case 'digested':
          return {
            channel: delivery.channel,
            status: 'sent',
            outboxId: delivery.outboxId,
            destination: delivery.destination,
          };
      }
    }),
  };
}

/**
 * An event as the service pushes and replays it to a device that speaks protocol 2 or later
 * (`socketAuthSchema.protocol`): the stored event plus what the service did about it.
 */
export const pushedEventSchema = z.discriminatedUnion(
  'kind',
  variants({ ...serviceEnvelope, outcome: serviceOutcomeSchema.optional() }),
);
export type PushedEvent = z.infer<typeof pushedEventSchema>;

/**
 * The id of an appointment reminder, the same wherever it is raised: by the service (the source
 * of truth, which emails and texts it) and by a companion that raised it locally while its link
 * was down. So the two are one alert: the store's duplicate check drops the second. A moved
 * appointment has a new `dueAt`, hence new ids. Always matches `idSchema`.
 */
export function reminderEventId(
  userId: string,
  appointmentId: string,
  offset: ReminderOffset,
  dueAt: number,
): string {
  return `reminder:${fnv1a64(`${userId}\u0000${appointmentId}\u0000${offset}\u0000${dueAt}`)}`;
}

/** 64-bit FNV-1a as 16 hex digits: short, stable, pure (no Node crypto in common/). */
export function fnv1a64(value: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let index = 0; index < value.length; index++) {
    hash ^= BigInt(value.charCodeAt(index));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

export type EventOfKind<Kind extends EventKind> = Extract<AlertEvent, { kind: Kind }>;

/** Kinds of events that happen on one line (calls, texts, voicemails, faxes, SMS bursts). */
export type LineEvent = EventOfKind<'call' | 'text' | 'voicemail' | 'fax' | 'highSms'>;
