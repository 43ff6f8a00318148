import type { Transaction } from 'kysely';
import type { DeclarationPeriod } from '../../core/retention/policy.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';

type Db = Database | Transaction<DB>;

export interface EmergencyRow {
  id: string;
  jurisdiction_id: string;
  title: string;
  legal_basis: string;
  starts_at: Date | string;
  ends_at: Date | string;
  declared_by: string;
  declared_at: Date | string;
  renews_id: string | null;
  terminated_at: Date | string | null;
  terminated_by: string | null;
  termination_reason: string | null;
}

export async function allDeclarations(db: Db): Promise<Array<EmergencyRow & { path: string }>> {
  return db
    .selectFrom('emergencies')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'emergencies.jurisdiction_id')
    .selectAll('emergencies')
    .select('jurisdictions.path')
    .orderBy('emergencies.starts_at')
    .execute();
}

/** The period a declaration actually lasted or lasts: until its end date, or until it was ended early. */
export function periodOf(r: EmergencyRow & { path: string }): DeclarationPeriod {
  const ends = new Date(r.ends_at);
  const terminated = r.terminated_at ? new Date(r.terminated_at) : null;
  return { path: r.path, startsAt: new Date(r.starts_at), endsAt: terminated && terminated < ends ? terminated : ends };
}
