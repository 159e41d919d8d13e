import type { Line, RingGroup, Role } from '../../common';
import type { Prepare } from './statements';

/** One person of a business, as the service stores them. */
export interface ServiceUser {
  id: string;
  /** Short name used for tokens and the CLI: "sam". */
  key: string;
  businessId: string;
  name: string;
  email: string | null;
  role: Role;
  backupPhone: string | null;
  personalLineId: string | null;
  onCall: boolean;
}

export interface Business {
  id: string;
  name: string;
}

/** Businesses, their people and tokens, ring groups and lines, and who is on a call. */
export interface PeopleQueries {
  userByToken(token: string): ServiceUser | null;
  user(userId: string): ServiceUser | null;
  /** Every user of every business, in the order they were written. */
  users(): ServiceUser[];
  usersOfBusiness(businessId: string): ServiceUser[];
  tokens(): Array<{ userId: string; token: string }>;
  business(businessId: string): Business | null;
  hasAnyBusiness(): boolean;
  ringGroupsOf(userId: string): RingGroup[];
  /** The user's personal line and the lines of their ring groups. */
  linesOf(user: ServiceUser): Line[];
  setOnCall(userId: string, onCall: boolean): void;
  /** Every line of a business (personal and shared), in the order they were written. */
  linesOfBusiness(businessId: string): Line[];
  /** Every ring group of a business. */
  ringGroupsOfBusiness(businessId: string): RingGroup[];
}

interface UserRow {
  id: string;
  key: string;
  business_id: string;
  name: string;
  email: string | null;
  role: string;
  backup_phone: string | null;
  personal_line_id: string | null;
  on_call: number;
}

interface LineRow {
  id: string;
  name: string;
  number: string;
  ring_group_id: string | null;
  owner_user_id: string | null;
}

function toUser(row: UserRow): ServiceUser {
  return {
    id: row.id,
    key: row.key,
    businessId: row.business_id,
    name: row.name,
    email: row.email,
    role: row.role as Role,
    backupPhone: row.backup_phone,
    personalLineId: row.personal_line_id,
    onCall: row.on_call === 1,
  };
}

function toLine(row: LineRow): Line {
  return {
    id: row.id,
    name: row.name,
    number: row.number,
    ringGroupId: row.ring_group_id,
    ownerUserId: row.owner_user_id,
  };
}

/** The people queries over the service's file. */
export function peopleQueries(prepare: Prepare): PeopleQueries {
  return {
    userByToken(token) {
      const row = prepare<[string], UserRow>(
        'SELECT users.* FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.token = ?',
      ).get(token);
      return row ? toUser(row) : null;
    },

    user(userId) {
      const row = prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?').get(userId);
      return row ? toUser(row) : null;
    },

    users() {
      return prepare<[], UserRow>('SELECT * FROM users ORDER BY rowid').all().map(toUser);
    },

    usersOfBusiness(businessId) {
      return prepare<[string], UserRow>('SELECT * FROM users WHERE business_id = ? ORDER BY rowid')
        .all(businessId)
        .map(toUser);
    },

    tokens() {
      return prepare<[], { user_id: string; token: string }>('SELECT * FROM tokens ORDER BY rowid')
        .all()
        .map((row) => ({ userId: row.user_id, token: row.token }));
    },

    business(businessId) {
      const row = prepare<[string], Business>('SELECT id, name FROM businesses WHERE id = ?').get(
        businessId,
      );
      return row ?? null;
    },

    hasAnyBusiness() {
      return prepare('SELECT 1 FROM businesses LIMIT 1').get() !== undefined;
    },

    ringGroupsOf(userId) {
      return prepare<[string], RingGroup>(
        `SELECT ring_groups.id, ring_groups.name FROM ring_group_members
           JOIN ring_groups ON ring_groups.id = ring_group_members.ring_group_id
           WHERE ring_group_members.user_id = ? ORDER BY ring_groups.rowid`,
      ).all(userId);
    },

    linesOf(user) {
      return prepare<[string | null, string], LineRow>(
        `SELECT * FROM lines WHERE id = ? OR ring_group_id IN
             (SELECT ring_group_id FROM ring_group_members WHERE user_id = ?)
           ORDER BY rowid`,
      )
        .all(user.personalLineId, user.id)
        .map(toLine);
    },

    linesOfBusiness(businessId) {
      return prepare<[string], LineRow>('SELECT * FROM lines WHERE business_id = ? ORDER BY rowid')
        .all(businessId)
        .map(toLine);
    },

    ringGroupsOfBusiness(businessId) {
      return prepare<[string], RingGroup>(
        'SELECT id, name FROM ring_groups WHERE business_id = ? ORDER BY rowid',
      ).all(businessId);
    },

    setOnCall(userId, onCall) {
      prepare('UPDATE users SET on_call = ? WHERE id = ?').run(onCall ? 1 : 0, userId);
    },
  };
}
