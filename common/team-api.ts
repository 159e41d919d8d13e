import { z } from 'zod';
import { alertTypes, channels } from './alert-types';
import { lockSources } from './locks';
import { reasonCodes, type Diagnosis } from './policy/context';
import { businessDefaultsSchema, idSchema, userPreferencesSchema } from './preferences';
import { changedBySchema, lineSchema, ringGroupSchema, serviceUserSchema } from './service-api';

/**
 * The admins' part of the service protocol (issue 14): the team, a member's preferences written
 * by an admin, and the diagnosis "why am I (or is this member) not getting alerts?". Protocol 3
 * callers only: every document here is version 2.
 */

// ---------- The team ----------

/** One member as an admin sees them: who they are, where they receive, what they chose. */
export const teamMemberEntrySchema = z.strictObject({
  user: serviceUserSchema,
  /** The member's personal line and the lines of their ring groups (ids of `lines`). */
  lineIds: z.array(idSchema),
  ringGroupIds: z.array(idSchema),
  /** On a call now (Fisher Mode holds desktop alerts back while it is on). */
  onCall: z.boolean(),
  preferencesVersion: z.int().min(1),
  preferences: userPreferencesSchema,
  /** The newest change someone else made to these preferences, or null. */
  lastChange: changedBySchema.nullable(),
});
export type TeamMemberEntry = z.infer<typeof teamMemberEntrySchema>;

/**
 * GET /api/team (admins): every member of the caller's business with their effective parts, so
 * the companion can run `diagnose` for each member and alert type (`recipientContext` over
 * `user`, the lines of `lineIds`, the ring groups of `ringGroupIds`, `onCall`, `preferences`
 * and `defaults`).
 */
export const teamSchema = z.strictObject({
  business: z.strictObject({ id: idSchema, name: z.string().min(1).max(200) }),
  defaultsVersion: z.int().min(1),
  defaults: businessDefaultsSchema,
  lines: z.array(lineSchema),
  ringGroups: z.array(ringGroupSchema),
  members: z.array(teamMemberEntrySchema),
  /** The service's time when it answered (epoch ms): what "now" the presence is true of. */
  now: z.int().min(0),
});
export type Team = z.infer<typeof teamSchema>;

// ---------- Diagnosis ----------

const reasonSchema = z.strictObject({
  code: z.enum(reasonCodes),
  explanation: z.string(),
});

/** `Diagnosis` (common/policy/context.ts) on the wire. */
export const diagnosisSchema = z.strictObject({
  alertType: z.enum(alertTypes),
  wouldAlert: z.boolean(),
  channels: z.array(
    z.strictObject({
      channel: z.enum(channels),
      destination: z.string().nullable(),
      lock: z.strictObject({ source: z.enum(lockSources), reason: z.string() }).exactOptional(),
    }),
  ),
  reasons: z.array(reasonSchema.extend({ channels: z.array(z.enum(channels)) })),
  limits: z.array(reasonSchema),
  locks: z.array(
    z.strictObject({ channel: z.enum(channels), source: z.enum(lockSources), reason: z.string() }),
  ),
}) satisfies z.ZodType<Diagnosis>;

/**
 * GET /api/diagnose?alertType=…[&lineId=…][&userId=…]: the caller's diagnosis (an admin may
 * name a `userId` of their business), on every line the type can arrive on, or one `lineId`.
 */
export const diagnoseQuerySchema = z.strictObject({
  alertType: z.enum(alertTypes),
  lineId: idSchema.optional(),
  userId: idSchema.optional(),
});
export const diagnoseAnswerSchema = z.strictObject({
  userId: idSchema,
  lineId: idSchema.nullable(),
  /** The service's time the diagnosis is true of (epoch ms), and the presence it used. */
  now: z.int().min(0),
  onCall: z.boolean(),
  diagnosis: diagnosisSchema,
});
export type DiagnoseAnswer = z.infer<typeof diagnoseAnswerSchema>;
