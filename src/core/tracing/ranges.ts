/** Unions overlapping [from, to] ranges per place; the result has no two ranges of a place that touch. */
export function mergeRanges(
  ranges: Array<{ placeId: string; from: number; to: number }>,
): Array<{ placeId: string; from: number; to: number }> {
  const sorted = [...ranges].sort((a, b) => (a.placeId < b.placeId ? -1 : a.placeId > b.placeId ? 1 : a.from - b.from));
  const out: Array<{ placeId: string; from: number; to: number }> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.placeId === r.placeId && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}
