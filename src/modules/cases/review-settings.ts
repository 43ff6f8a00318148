import { z } from 'zod';
import type { Database } from '../../platform/database/database.ts';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/database/schema.ts';

/**
 * Whether exposures take effect at once or wait for an epidemiologist. `automatic`: every exposure found becomes a
 * fact immediately. `review_above`: a case with more than `threshold` contacts (a mass exposure, where a wrong scan
 * or a mislabelled place would redden many people) holds its new exposures as pending until reviewed.
 */
export const ReviewSettingsSchema = z.strictObject({
  mode: z.enum(['automatic', 'review_above']),
  threshold: z.number().int().min(0).max(1_000_000),
});
export type ReviewSettings = z.infer<typeof ReviewSettingsSchema>;

export const DEFAULT_REVIEW: ReviewSettings = { mode: 'review_above', threshold: 500 };
const KEY = 'tracing.review';

export async function reviewSettings(db: Database | Transaction<DB>): Promise<ReviewSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  if (!row) return DEFAULT_REVIEW;
  const parsed = ReviewSettingsSchema.safeParse(typeof row.value === 'string' ? JSON.parse(row.value) : row.value);
  return parsed.success ? parsed.data : DEFAULT_REVIEW;
}

export async function storeReviewSettings(trx: Transaction<DB>, settings: ReviewSettings): Promise<void> {
  await trx
    .insertInto('settings')
    .values({ key: KEY, value: JSON.stringify(settings) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(settings), updated_at: new Date() }))
    .execute();
}

/** Whether a case with this many (live) contacts holds new exposures for review. */
export function holdsForReview(settings: ReviewSettings, contacts: number): boolean {
  return settings.mode === 'review_above' && contacts > settings.threshold;
}
