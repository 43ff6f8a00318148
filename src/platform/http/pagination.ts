import { z } from 'zod';
import { badRequest } from './problem.ts';

/** Opaque cursors: base64url of the last row's sort key, so clients never build them by hand. */
export const PageQuery = z.object({
  cursor: z.string().max(500).optional().describe('Opaque cursor from the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): unknown[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v)) throw new Error('not an array');
    return v;
  } catch {
    throw badRequest('query.cursor: not a cursor this API issued');
  }
}

export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Given limit+1 fetched rows, returns the page and the cursor for the next one. */
export function paginate<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
