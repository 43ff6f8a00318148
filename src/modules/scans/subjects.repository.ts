import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';

/*
 * The daily pseudonym in a TSR1 code cannot be reversed, by design. So that a checkpoint's scan of a resident's code can
 * be attributed, the issuer remembers which person each pseudonym it handed out belongs to, for a few days only.
 */

const remembered = new WeakMap<Database, Set<string>>();

export async function rememberCodeSubject(ctx: AppContext, personId: string, day: string, subject: string) {
  let seen = remembered.get(ctx.db);
  if (!seen) {
    seen = new Set();
    remembered.set(ctx.db, seen);
  }
  const key = `${day}|${subject}`;
  if (seen.has(key)) return;
  await ctx.db
    .insertInto('code_subjects')
    .values({ day, subject, person_id: personId })
    .onConflict((oc) => oc.columns(['day', 'subject']).doNothing())
    .execute();
  if (seen.size > 500_000) seen.clear();
  seen.add(key);
}

/** Persons for (day, subject) pairs; pairs nobody was issued are absent. */
export async function personsForSubjects(
  db: Database,
  pairs: Array<{ day: string; subject: string }>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (pairs.length === 0) return out;
  const rows = await db
    .selectFrom('code_subjects')
    .select(['subject', 'person_id'])
    .select((eb) => eb.cast<string>('day', 'text').as('day'))
    .where('subject', 'in', [...new Set(pairs.map((p) => p.subject))])
    .where('day', 'in', [...new Set(pairs.map((p) => p.day))])
    .execute();
  for (const r of rows) out.set(`${r.day}|${r.subject}`, r.person_id);
  return out;
}
