import type { Transaction } from 'kysely';
import type { DB } from '../database/schema.ts';

/** Writes an event in the same transaction as the change it announces; the relay publishes it after commit. */
export async function emitEvent(
  trx: Transaction<DB>,
  at: Date,
  topic: string,
  payload: Record<string, unknown>,
  key: string | null = null,
): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({ topic, key, payload: JSON.stringify(payload), created_at: at })
    .execute();
}
