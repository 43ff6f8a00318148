import type { Transaction } from 'kysely';
import type { DB } from '../../platform/database/schema.ts';
import { insertDeclarationTx, MAX_DECLARATION_DAYS } from './emergencies.service.ts';

/**
 * The demo city runs under a declared (fictional) emergency for the longest period one declaration may last, so a
 * fresh `npm start` issues health codes; when it lapses, codes stop, exactly as they would in a real city.
 */
export async function declareDemoEmergency(trx: Transaction<DB>, now: Date, cityId: string): Promise<string> {
  return insertDeclarationTx(
    trx,
    now,
    { kind: 'system', id: 'seed' },
    {
      jurisdictionId: cityId,
      title: 'Demo city outbreak response',
      legalBasis:
        'Demonstration only: stands in for a public-health emergency declared under the applicable law on the prevention and control of infectious diseases.',
      startsAt: now,
      endsAt: new Date(now.getTime() + MAX_DECLARATION_DAYS * 24 * 3600_000),
    },
  );
}
