import {
  defaultBusinessDefaults,
  defaultRecipient,
  defaultUserPreferences,
  type Role,
} from '../common';
import type { ServiceStore } from './store';

/**
 * The demo business: deterministic ids, tokens and numbers, so tests, the benchmarks and the
 * demo can name them. Every number passes libphonenumber-js's full validation (+1 415 555 26xx).
 */
export const demoTimeZone = 'America/Los_Angeles';

export const demoBusiness = {
  id: 'biz-harbor',
  name: 'Harbor Dental',
  notificationEmail: 'alerts@harbor-dental.example.com',
  notificationPhone: '+14155552600',
} as const;

interface DemoUser {
  key: string;
  id: string;
  name: string;
  role: Role;
  email: string;
  backupPhone: string | null;
  personalLineId: string | null;
  token: string;
}

export const demoUsers = {
  sam: {
    key: 'sam',
    id: 'user-sam',
    name: 'Sam Rivera',
    role: 'billingAdmin',
    email: 'sam@harbor-dental.example.com',
    backupPhone: null,
    personalLineId: null,
    token: 'demo-token-sam',
  },
  alex: {
    key: 'alex',
    id: 'user-alex',
    name: 'Alex Morgan',
    role: 'admin',
    email: 'alex@harbor-dental.example.com',
    backupPhone: null,
    personalLineId: null,
    token: 'demo-token-alex',
  },
  jordan: {
    key: 'jordan',
    id: 'user-jordan',
    name: 'Jordan Park',
    role: 'agent',
    email: 'jordan@harbor-dental.example.com',
    backupPhone: '+14155552603',
    personalLineId: 'line-jordan',
    token: 'demo-token-jordan',
  },
  taylor: {
    key: 'taylor',
    id: 'user-taylor',
    name: 'Taylor Reed',
    role: 'agent',
    email: 'taylor@harbor-dental.example.com',
    backupPhone: '+14155552604',
    personalLineId: 'line-taylor',
    token: 'demo-token-taylor',
  },
} as const satisfies Record<string, DemoUser>;

export type DemoUserKey = keyof typeof demoUsers;

export const demoRingGroup = { id: 'rg-support', name: 'Support' } as const;

export const demoLines = {
  jordan: {
    id: 'line-jordan',
    name: "Jordan's line",
    number: '+14155552611',
    ringGroupId: null,
    ownerUserId: 'user-jordan',
  },
  taylor: {
    id: 'line-taylor',
    name: "Taylor's line",
    number: '+14155552612',
    ringGroupId: null,
    ownerUserId: 'user-taylor',
  },
  support: {
    id: 'line-support',
    name: 'Support Line',
    number: '+14155552610',
    ringGroupId: 'rg-support',
    ownerUserId: null,
  },
} as const;

export const demoContacts = {
  ann: { id: 'contact-ann', name: 'Ann Lee', number: '+14155552631' },
  ben: { id: 'contact-ben', name: 'Ben Ortiz', number: '+14155552632' },
  carla: { id: 'contact-carla', name: 'Carla Diaz', number: '+14155552633' },
  dev: { id: 'contact-dev', name: 'Dev Patel', number: '+14155552634' },
} as const;

export const demoAppointmentId = 'appt-cleaning-ann';

/** Alert types the demo business makes mandatory by email (for who may receive them). */
export const demoMandatoryEmail = ['paymentFailed', 'usage100'] as const;

/**
 * The demo appointment's times: two hours from now, rounded up to the half hour (later today
 * unless the service starts late in the evening; no time zone is involved).
 */
export function laterToday(now: number): { startsAt: string; endsAt: string } {
  const halfHour = 30 * 60 * 1000;
  const start = Math.ceil((now + 2 * 60 * 60 * 1000) / halfHour) * halfHour;
  return {
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + halfHour).toISOString(),
  };
}

/** Writes the demo business into an empty database (a database already seeded is left alone). */
export function seedDemo(store: ServiceStore, now: number): void {
  if (store.hasAnyBusiness()) return;
  const database = store.database;
  store.transaction(() => {
    const defaults = {
      ...defaultBusinessDefaults(),
      notificationEmail: demoBusiness.notificationEmail,
      notificationPhone: demoBusiness.notificationPhone,
      recipients: [defaultRecipient(demoUsers.sam.id)],
    };
    // Harbor Dental wants its billing people told by email of what can stop its phones, whatever
    // their own switches say (mandatory channels: common/locks.ts).
    for (const type of demoMandatoryEmail) defaults.alerts[type].mandatory.email = true;
    database
      .prepare(
        'INSERT INTO businesses (id, name, defaults_json, defaults_version) VALUES (?, ?, ?, 1)',
      )
      .run(demoBusiness.id, demoBusiness.name, JSON.stringify(defaults));
    for (const user of Object.values(demoUsers)) {
      const preferences = defaultUserPreferences(demoTimeZone);
      // Agents answer the Support ring group, so they choose its line for alerts.
      if (user.role === 'agent') preferences.lines.otherLineIds = [demoLines.support.id];
      database
        .prepare(
          `INSERT INTO users (id, key, business_id, name, email, role, backup_phone, personal_line_id,
             on_call, preferences_json, preferences_version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 1)`,
        )
        .run(
          user.id,
          user.key,
          demoBusiness.id,
          user.name,
          user.email,
          user.role,
          user.backupPhone,
          user.personalLineId,
          JSON.stringify(preferences),
        );
      database
        .prepare('INSERT INTO tokens (token, user_id) VALUES (?, ?)')
        .run(user.token, user.id);
    }
    database
      .prepare('INSERT INTO ring_groups (id, business_id, name) VALUES (?, ?, ?)')
      .run(demoRingGroup.id, demoBusiness.id, demoRingGroup.name);
    for (const member of [demoUsers.jordan, demoUsers.taylor]) {
      database
        .prepare('INSERT INTO ring_group_members (ring_group_id, user_id) VALUES (?, ?)')
        .run(demoRingGroup.id, member.id);
    }
    for (const line of Object.values(demoLines)) {
      database
        .prepare(
          `INSERT INTO lines (id, business_id, name, number, ring_group_id, owner_user_id)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(line.id, demoBusiness.id, line.name, line.number, line.ringGroupId, line.ownerUserId);
    }
    for (const contact of Object.values(demoContacts)) {
      database
        .prepare('INSERT INTO contacts (id, business_id, name, number) VALUES (?, ?, ?, ?)')
        .run(contact.id, demoBusiness.id, contact.name, contact.number);
    }
    const { startsAt, endsAt } = laterToday(now);
    database
      .prepare(
        `INSERT INTO appointments (id, business_id, title, starts_at, ends_at, contact_name, assigned_user_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        demoAppointmentId,
        demoBusiness.id,
        'Cleaning with Ann Lee',
        startsAt,
        endsAt,
        demoContacts.ann.name,
        demoUsers.jordan.id,
      );
  });
}
