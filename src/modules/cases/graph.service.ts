import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AccessPurpose } from '../../core/policy/purposes.ts';
import { buildGraph, type ChainExposure } from '../../core/tracing/chains.ts';
import type { AppContext } from '../../platform/context.ts';
import { forbidden, notFound } from '../../platform/http/problem.ts';
import { auditPersonReads } from '../registry/registry.access.ts';
import { findCase } from './cases.repository.ts';

/**
 * The transmission graph of an outbreak (or of one case within it): people as nodes, exposures as edges with the
 * place and time, and the places that link several cases. It names people by id only; reading it is an audited read
 * of every person in it.
 */
export async function transmissionGraph(
  ctx: AppContext,
  principal: Principal,
  target: { outbreakId: string } | { caseId: string },
  purpose: AccessPurpose,
) {
  let outbreakId: string;
  let onlyCase: string | null = null;
  if ('caseId' in target) {
    const c = await findCase(ctx.db, target.caseId);
    if (!c) throw notFound(`No case ${target.caseId}`);
    outbreakId = c.outbreak_id;
    onlyCase = c.id;
  } else outbreakId = target.outbreakId;
  const outbreak = await ctx.db
    .selectFrom('outbreaks')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'outbreaks.jurisdiction_id')
    .select(['outbreaks.id', 'outbreaks.opened_at', 'outbreaks.index_case_id', 'jurisdictions.path'])
    .where('outbreaks.id', '=', outbreakId)
    .executeTakeFirst();
  if (!outbreak) throw notFound(`No outbreak ${outbreakId}`);
  const d = authorize(principal, 'case.read', { jurisdictionPath: outbreak.path });
  if (!d.allow) throw forbidden(d.reason);

  const cases = await ctx.db.selectFrom('cases').selectAll().where('outbreak_id', '=', outbreakId).execute();
  const caseIds = onlyCase ? [onlyCase] : cases.map((c) => c.id);
  const exposures = caseIds.length
    ? await ctx.db
        .selectFrom('exposures')
        .select([
          'id',
          'case_id',
          'person_id',
          'degree',
          'via_person_id',
          'place_id',
          'window_start',
          'window_end',
          'state',
        ])
        .where('case_id', 'in', caseIds)
        .where('degree', '!=', 'risk_place')
        .execute()
    : [];
  const graph = buildGraph(
    cases.map((c) => ({
      id: c.id,
      personId: c.person_id,
      sourceCaseId: c.source_case_id,
      openedAtMs: new Date(c.opened_at).getTime(),
      specimenAtMs: new Date(c.specimen_at).getTime(),
      state: c.state,
    })),
    exposures.map((e): ChainExposure => ({
      id: e.id,
      caseId: e.case_id!,
      personId: e.person_id,
      degree: e.degree as 'close' | 'secondary',
      viaPersonId: e.via_person_id,
      placeId: e.place_id,
      startMs: new Date(e.window_start).getTime(),
      endMs: new Date(e.window_end).getTime(),
      state: e.state,
    })),
  );
  const nodes = onlyCase
    ? graph.nodes.filter(
        (n) => n.kind !== 'case' || n.caseId === onlyCase || graph.edges.some((e) => e.to === n.personId),
      )
    : graph.nodes;
  const placeIds = [...new Set(graph.clusters.map((c) => c.placeId))];
  const places = placeIds.length
    ? await ctx.db
        .selectFrom('places')
        .select(['id', 'name_zh', 'name_en', 'category'])
        .where('id', 'in', placeIds)
        .execute()
    : [];
  const now = ctx.clock.now();
  if (nodes.length > 0)
    await ctx.db.transaction().execute((trx) =>
      auditPersonReads(
        trx,
        now,
        principal,
        purpose,
        nodes.map((n) => ({
          action: 'outbreak.graph_read',
          subjectKind: 'outbreak',
          subjectId: outbreakId,
          personId: n.personId,
        })),
      ),
    );
  return {
    outbreakId,
    caseId: onlyCase,
    openedAt: new Date(outbreak.opened_at).toISOString(),
    indexCaseId: outbreak.index_case_id,
    cases: cases
      .filter((c) => !onlyCase || c.id === onlyCase || c.source_case_id === onlyCase)
      .map((c) => ({
        id: c.id,
        personId: c.person_id,
        sourceCaseId: c.source_case_id,
        state: c.state,
        specimenAt: new Date(c.specimen_at).toISOString(),
      })),
    nodes,
    edges: graph.edges,
    clusters: graph.clusters,
    places: Object.fromEntries(
      places.map((p) => [p.id, { nameZh: p.name_zh, nameEn: p.name_en, category: p.category }]),
    ),
  };
}
