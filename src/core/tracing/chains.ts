/**
 * The case–contact graph of an outbreak: who was exposed by whom, where and when, and which places link several cases
 * (clusters). Pure: the module loads the rows, this shapes them.
 */

export interface ChainCase {
  id: string;
  personId: string;
  sourceCaseId: string | null;
  openedAtMs: number;
  specimenAtMs: number;
  state: 'open' | 'closed';
}

export interface ChainExposure {
  id: string;
  caseId: string;
  personId: string;
  degree: 'close' | 'secondary';
  /** Secondary contacts: the close contact they met; close contacts: null (they met the case). */
  viaPersonId: string | null;
  placeId: string | null;
  startMs: number;
  endMs: number;
  state: 'pending' | 'confirmed' | 'dismissed';
}

export interface GraphNode {
  personId: string;
  /** A case if the person has a case in this outbreak; otherwise the nearest degree they were found at. */
  kind: 'case' | 'close' | 'secondary';
  caseId: string | null;
}

export interface GraphEdge {
  from: string;
  to: string;
  degree: 'close' | 'secondary';
  caseId: string;
  exposureId: string;
  placeId: string | null;
  startAt: string;
  endAt: string;
  state: 'pending' | 'confirmed';
  /** The contact later became a case: this edge is a likely transmission. */
  becameCase: boolean;
}

export interface PlaceCluster {
  placeId: string;
  /** Cases that exposed others here, and cases among the people exposed here. */
  caseIds: string[];
  contacts: number;
  firstAt: string;
  lastAt: string;
  /** At least two cases are linked through this place. */
  cluster: boolean;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  clusters: PlaceCluster[];
}

export function buildGraph(cases: readonly ChainCase[], exposures: readonly ChainExposure[]): Graph {
  const caseOfPerson = new Map<string, ChainCase>();
  for (const c of [...cases].sort((a, b) => a.openedAtMs - b.openedAtMs)) {
    if (!caseOfPerson.has(c.personId)) caseOfPerson.set(c.personId, c);
  }
  const caseById = new Map(cases.map((c) => [c.id, c]));
  const live = exposures.filter((e) => e.state !== 'dismissed' && caseById.has(e.caseId));

  const nodes = new Map<string, GraphNode>();
  for (const c of caseOfPerson.values()) nodes.set(c.personId, { personId: c.personId, kind: 'case', caseId: c.id });
  const rank = { case: 0, close: 1, secondary: 2 } as const;
  const edges: GraphEdge[] = [];
  for (const e of live) {
    const source = caseById.get(e.caseId)!;
    const from = e.degree === 'close' ? source.personId : (e.viaPersonId ?? source.personId);
    const node = nodes.get(e.personId);
    if (!node || rank[e.degree] < rank[node.kind])
      nodes.set(e.personId, { personId: e.personId, kind: e.degree, caseId: null });
    if (!nodes.has(from)) nodes.set(from, { personId: from, kind: 'close', caseId: null });
    const laterCase = caseOfPerson.get(e.personId);
    edges.push({
      from,
      to: e.personId,
      degree: e.degree,
      caseId: e.caseId,
      exposureId: e.id,
      placeId: e.placeId,
      startAt: new Date(e.startMs).toISOString(),
      endAt: new Date(e.endMs).toISOString(),
      state: e.state as 'pending' | 'confirmed',
      becameCase: laterCase !== undefined && laterCase.id !== e.caseId && laterCase.specimenAtMs >= e.startMs,
    });
  }
  edges.sort((a, b) => (a.startAt < b.startAt ? -1 : a.startAt > b.startAt ? 1 : a.exposureId < b.exposureId ? -1 : 1));

  const byPlace = new Map<string, { cases: Set<string>; contacts: Set<string>; first: number; last: number }>();
  for (const e of live) {
    if (!e.placeId) continue;
    let p = byPlace.get(e.placeId);
    if (!p) {
      p = { cases: new Set(), contacts: new Set(), first: e.startMs, last: e.endMs };
      byPlace.set(e.placeId, p);
    }
    p.cases.add(e.caseId);
    p.contacts.add(e.personId);
    const becameCase = caseOfPerson.get(e.personId);
    if (becameCase && becameCase.id !== e.caseId) p.cases.add(becameCase.id);
    p.first = Math.min(p.first, e.startMs);
    p.last = Math.max(p.last, e.endMs);
  }
  const clusters = [...byPlace.entries()]
    .map(([placeId, p]) => ({
      placeId,
      caseIds: [...p.cases].sort(),
      contacts: p.contacts.size,
      firstAt: new Date(p.first).toISOString(),
      lastAt: new Date(p.last).toISOString(),
      cluster: p.cases.size >= 2,
    }))
    .sort((a, b) => b.caseIds.length - a.caseIds.length || b.contacts - a.contacts || (a.placeId < b.placeId ? -1 : 1));

  return {
    nodes: [...nodes.values()].sort((a, b) => rank[a.kind] - rank[b.kind] || (a.personId < b.personId ? -1 : 1)),
    edges,
    clusters,
  };
}

/**
 * The case a new case most likely came from: among the person's exposures to other cases (not dismissed), the one whose
 * last contact is latest but not after the specimen and not longer ago than `lookbackMs`.
 */
export function likelySource(
  exposures: readonly { caseId: string; endMs: number; degree: 'close' | 'secondary' | 'risk_place' }[],
  specimenMs: number,
  lookbackMs: number,
): string | null {
  let best: { caseId: string; endMs: number; degree: string } | null = null;
  for (const e of exposures) {
    if (e.degree === 'risk_place' || e.endMs > specimenMs || e.endMs < specimenMs - lookbackMs) continue;
    // A close contact explains an infection better than a secondary one; among equals, the latest.
    const better =
      !best || (e.degree === 'close' && best.degree !== 'close') || (e.degree === best.degree && e.endMs > best.endMs);
    if (better) best = e;
  }
  return best?.caseId ?? null;
}
