import { z } from 'zod';
import { userPreferencesSchema } from './preferences';

/**
 * The managed policy an IT team pushes to every desktop (issue 16 §6): Linux
 * `/etc/ringside/policy.json`, the macOS managed preferences of the app's domain, the Windows
 * registry under `HKLM\Software\Policies\Ringside`. Each platform's reader (main/core/policy)
 * turns its source into one plain object; `parseManagedPolicy` is the one judge of it. A policy
 * is applied whole or not at all: one invalid field and the app runs with no policy, saying
 * which field.
 *
 * Precedence: policy > business defaults > user. A locked setting is a `SettingLock` of source
 * `organisation` (`organisationLocks`), the strongest in `lockSources`.
 */

/** What the updater does: follow a channel, or never update (managed by IT's own tooling). */
export const updatesPolicySchema = z.union([
  z.literal('off'),
  z.strictObject({ channel: z.enum(['stable', 'beta']) }),
]);
export type UpdatesPolicy = z.infer<typeof updatesPolicySchema>;

/** A JSON value, as a locked setting holds one. */
export type PolicyValue =
  boolean | number | string | null | PolicyValue[] | { [key: string]: PolicyValue };

export const managedPolicySchema = z.strictObject({
  /** The telephony service every desktop talks to; overrides a person's own choice. */
  serviceUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  /**
   * Preference fields held at a value: the dotted path of a `UserPreferences` field
   * ("channels.text.enabled", "alertChannels.mention.email", "quietHours") to its value.
   */
  lockedSettings: z.record(z.string().max(200), z.json()).optional(),
  /** Start at login (desktop shell only; the headless companion ignores it). */
  launchAtLogin: z.boolean().optional(),
  updates: updatesPolicySchema.optional(),
});
export type ManagedPolicy = Omit<z.infer<typeof managedPolicySchema>, 'lockedSettings'> & {
  lockedSettings?: Record<string, PolicyValue>;
};

/** The top-level keys a policy may hold, for readers that map a platform's names to them. */
export const managedPolicyKeys = Object.keys(managedPolicySchema.shape) as Array<
  keyof ManagedPolicy
>;

/** One invalid field of a policy, named as an IT person would find it in their file. */
export interface PolicyProblem {
  /** "lockedSettings.quietHours.enabled", "updates.channel", "launchAtLogin"; "" for the root. */
  field: string;
  message: string;
}

export type PolicyParse =
  { ok: true; policy: ManagedPolicy } | { ok: false; problem: PolicyProblem };

/** The zod schema of the `UserPreferences` field at a dotted path; null when no such field. */
export function preferenceFieldSchema(path: string): z.ZodType | null {
  if (path === '') return null;
  let schema: z.ZodType = userPreferencesSchema;
  for (const segment of path.split('.')) {
    if (!(schema instanceof z.ZodObject)) return null;
    const shape = schema.shape as Record<string, z.ZodType>;
    if (!Object.hasOwn(shape, segment)) return null;
    const next = shape[segment];
    if (next === undefined) return null;
    schema = next;
  }
  return schema;
}

function joined(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Of a union's failed branches, the issue that got furthest into the value: the likely intent. */
function deepestIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  let deepest: z.core.$ZodIssue | null = null;
  for (const inner of issue.errors.flat()) {
    if (deepest === null || inner.path.length > deepest.path.length) deepest = inner;
  }
  if (deepest === null || deepest.path.length === 0) return issue;
  return { ...deepest, path: [...issue.path, ...deepest.path] };
}

function firstProblem(error: z.ZodError, prefix: string): PolicyProblem {
  const first = error.issues[0];
  if (!first) return { field: prefix, message: 'Invalid value' };
  const issue = deepestIssue(first);
  const base = [prefix, joined(issue.path)].filter((part) => part !== '').join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const field = [base, key].filter((part) => part !== '').join('.');
    return { field, message: `Unknown key "${key}"` };
  }
  return { field: base, message: issue.message };
}

/**
 * Judges what a platform reader found: the policy, or the first invalid field. Each locked
 * setting must name an existing preferences field and hold a value valid for it.
 */
export function parseManagedPolicy(input: unknown): PolicyParse {
  const parsed = managedPolicySchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: firstProblem(parsed.error, '') };
  const locked = parsed.data.lockedSettings ?? {};
  const values: Record<string, PolicyValue> = {};
  for (const [path, value] of Object.entries(locked)) {
    const field = `lockedSettings.${path}`;
    const schema = preferenceFieldSchema(path);
    if (schema === null) {
      return { ok: false, problem: { field, message: `No preference "${path}" exists` } };
    }
    const checked = schema.safeParse(value);
    if (!checked.success) return { ok: false, problem: firstProblem(checked.error, field) };
    // As the field's schema gives it (its key order): compared with stored values later.
    values[path] = checked.data as PolicyValue;
  }
  const policy = { ...parsed.data } as ManagedPolicy;
  if (parsed.data.lockedSettings !== undefined) policy.lockedSettings = values;
  return { ok: true, policy };
}

/** Where a policy was read from, for messages: a file path, a registry key, a plist domain. */
export type PolicyReading =
  | { status: 'none' }
  | { status: 'applied'; source: string; policy: ManagedPolicy }
  | { status: 'invalid'; source: string; problem: PolicyProblem };

/** What a reading means to a person; null when there is nothing to say (no policy). */
export function describePolicyProblem(reading: PolicyReading): string | null {
  if (reading.status !== 'invalid') return null;
  const { field, message } = reading.problem;
  const where = field === '' ? '' : ` at "${field}"`;
  return `The managed policy in ${reading.source} is invalid${where}: ${message}. Running with no policy applied.`;
}

/** The policy a reading applies: the whole of a valid one, nothing of an invalid one. */
export function appliedPolicy(reading: PolicyReading): ManagedPolicy | null {
  return reading.status === 'applied' ? reading.policy : null;
}
