import { sql } from 'kysely';
import type { Database } from '../../platform/database/database.ts';

/** What may leave the database about a resident: never the ID-number HMAC or the password hash. */
export interface ResidentRow {
  id: string;
  household_id: string;
  name: string;
  birth_date: string;
  phone: string | null;
  national_id_masked: string | null;
  has_account: boolean;
}

function residents(db: Database) {
  return db
    .selectFrom('residents')
    .select([
      'residents.id',
      'residents.household_id',
      'residents.name',
      sql<string>`to_char(residents.birth_date, 'YYYY-MM-DD')`.as('birth_date'),
      'residents.phone',
      'residents.national_id_masked',
      sql<boolean>`residents.password_hash is not null`.as('has_account'),
    ]);
}

export async function findResident(db: Database, id: string): Promise<ResidentRow | undefined> {
  return residents(db).where('residents.id', '=', id).executeTakeFirst();
}

/** Members of the given households, ordered by household, then birth date and id (stable). */
export async function membersOf(db: Database, householdIds: string[]): Promise<ResidentRow[]> {
  if (householdIds.length === 0) return [];
  return residents(db)
    .where('residents.household_id', 'in', householdIds)
    .orderBy('residents.household_id')
    .orderBy('residents.birth_date')
    .orderBy('residents.id')
    .execute();
}

export async function findResidentIdByHmac(db: Database, hmac: string) {
  return db
    .selectFrom('residents')
    .select(['id', 'household_id'])
    .where('national_id_hmac', '=', hmac)
    .executeTakeFirst();
}

/** Which of these HMACs are already registered (used for duplicate checks without revealing whose). */
export async function registeredHmacs(db: Database, hmacs: string[]): Promise<Set<string>> {
  if (hmacs.length === 0) return new Set();
  const rows = await db
    .selectFrom('residents')
    .select('national_id_hmac')
    .where('national_id_hmac', 'in', hmacs)
    .execute();
  return new Set(rows.map((r) => r.national_id_hmac as string));
}

export interface NewResident {
  id: string;
  household_id: string;
  name: string;
  birth_date: string;
  phone: string | null;
  national_id_hmac: string | null;
  national_id_masked: string | null;
}

export async function insertResidents(db: Database, rows: NewResident[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('residents').values(rows).execute();
}

export async function updateResident(db: Database, id: string, changes: Partial<Omit<NewResident, 'id'>>) {
  await db.updateTable('residents').set(changes).where('id', '=', id).execute();
}
