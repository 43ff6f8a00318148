import { issuePlaceCode } from '../../core/codes/tsr1.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { notFound } from '../../platform/http/problem.ts';
import { activeSigningKey } from '../keys/keys.service.ts';
import { requireAllowed } from '../registry/registry.access.ts';
import { placeById, type PlaceInfo } from './place-directory.ts';
import { renderPoster } from './poster.ts';

/** A freshly signed TSP1 code for a place, by the key of the city it lies in (366 days by default). */
export async function signPlaceCode(ctx: AppContext, place: PlaceInfo) {
  const key = await activeSigningKey(ctx, place.cityId, 'code');
  const issued = issuePlaceCode({
    key: key.key,
    kid: key.kid,
    alg: key.alg,
    now: ctx.clock.now(),
    claims: {
      issuer: place.cityId,
      placeId: place.id,
      jurisdiction: place.gridCode,
      kind: place.kind,
      category: place.category,
      name: `${place.nameZh} ${place.nameEn}`,
    },
  });
  return { ...issued, issuer: place.cityId, kid: key.kidB64 };
}

async function placeFor(ctx: AppContext, principal: Principal | null, placeId: string) {
  const place = await placeById(ctx, placeId);
  if (!place) throw notFound(`No place ${placeId}`);
  // Posters are printed by whoever may change the place: its officers, admins, or its own venue operator.
  if (principal) {
    const row = await ctx.db
      .selectFrom('places')
      .select('operator_staff_id')
      .where('id', '=', placeId)
      .executeTakeFirst();
    await requireAllowed(ctx, principal, 'place.write', {
      jurisdictionPath: place.communityPath,
      operatorId: row?.operator_staff_id ?? null,
    });
  }
  return place;
}

export async function placeCode(ctx: AppContext, principal: Principal, placeId: string) {
  const place = await placeFor(ctx, principal, placeId);
  const issued = await signPlaceCode(ctx, place);
  return {
    placeId: place.id,
    code: issued.code,
    issuer: issued.issuer,
    kid: issued.kid,
    issuedAt: issued.issuedAt.toISOString(),
    expiresAt: issued.expiresAt.toISOString(),
  };
}

/** Names of the district, subdistrict and community a place lies in, joined for the poster. */
async function jurisdictionNames(ctx: AppContext, communityPath: string) {
  const ids = communityPath.split('.');
  const rows = await ctx.db
    .selectFrom('jurisdictions')
    .select(['id', 'level', 'name_zh', 'name_en', 'depth'])
    .where('id', 'in', ids)
    .orderBy('depth')
    .execute();
  const shown = rows.filter((r) => r.level !== 'province');
  return {
    zh: shown.map((r) => r.name_zh).join(' · '),
    en: shown.map((r) => r.name_en).join(' · '),
  };
}

/** The printable poster of a place. `principal` null: the CLI, which runs with the operator's database access. */
export async function placePoster(ctx: AppContext, principal: Principal | null, placeId: string) {
  const place = await placeFor(ctx, principal, placeId);
  const issued = await signPlaceCode(ctx, place);
  const names = await jurisdictionNames(ctx, place.communityPath);
  const svg = await renderPoster({
    code: issued.code,
    nameZh: place.nameZh,
    nameEn: place.nameEn,
    kind: place.kind,
    category: place.category,
    jurisdictionZh: names.zh,
    jurisdictionEn: names.en,
    gridCode: place.gridCode,
    placeId: place.id,
    issuer: issued.issuer,
    expiresAt: issued.expiresAt,
  });
  return { place, svg, code: issued.code };
}

/**
 * How many check-ins a place recorded on one UTC day (today by default): a count only, never who. For the people who
 * may print its poster — its officers, admins and its own venue operator.
 */
export async function placeCheckIns(ctx: AppContext, principal: Principal, placeId: string, day?: string) {
  const place = await placeFor(ctx, principal, placeId);
  const d = day ?? ctx.clock.now().toISOString().slice(0, 10);
  const row = await ctx.db
    .selectFrom('scans')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('place_id', '=', place.id)
    .where('scanned_day', '=', d)
    .where('direction', '=', 'place_code')
    .executeTakeFirst();
  return { placeId: place.id, day: d, count: Number(row?.n ?? 0) };
}
