/** Counts from 1 to this value are not published: a count of 2 in a small community can name people. */
export const SMALL_COUNT_LIMIT = 4;

export interface Cell {
  /** Cells with the same group are published together (e.g. one jurisdiction's colors on one day). */
  group: string;
  count: number;
}

export type Published<T extends Cell> = Omit<T, 'count'> & { count: number | null; suppressed: boolean };

/**
 * Primary suppression hides counts 1…4. Within a group whose total is published (or derivable), a single hidden
 * cell could be recovered by subtraction, so the next smallest nonzero cell of that group is hidden too.
 */
export function suppressSmallCounts<T extends Cell>(cells: readonly T[]): Array<Published<T>> {
  const hidden = cells.map((c) => c.count > 0 && c.count <= SMALL_COUNT_LIMIT);
  const byGroup = new Map<string, number[]>();
  cells.forEach((c, i) => byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), i]));
  for (const idx of byGroup.values()) {
    const hiddenCount = idx.filter((i) => hidden[i]).length;
    if (hiddenCount !== 1) continue;
    const candidates = idx
      .filter((i) => !hidden[i] && (cells[i] as T).count > 0)
      .sort((a, b) => (cells[a] as T).count - (cells[b] as T).count);
    const next = candidates[0];
    if (next !== undefined) hidden[next] = true;
  }
  return cells.map((c, i) => ({ ...c, count: hidden[i] ? null : c.count, suppressed: Boolean(hidden[i]) }));
}

/** A single published total: small ones are withheld. */
export function publishCount(n: number): { count: number | null; suppressed: boolean } {
  return n > 0 && n <= SMALL_COUNT_LIMIT ? { count: null, suppressed: true } : { count: n, suppressed: false };
}
