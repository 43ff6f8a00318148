import { sql } from 'kysely';
import { coverCells } from '../../core/geo/h3-cover.ts';
import { generateDemoCity, DEMO_CITY, type GenGrid } from '../../core/geo/demo-city.ts';
import { areaM2, bboxOf, centroidOf } from '../../core/geo/polygons.ts';
import { hmacNationalId, maskNationalId } from '../../core/registry/national-id.ts';
import { Prng } from '../../core/random/prng.ts';
import type { AppContext } from '../../platform/context.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { declareDemoEmergency } from '../emergencies/demo-declaration.ts';
import { hashPassword } from '../auth/passwords.ts';

export const DEMO_PASSWORD = 'tessera-demo';
/** Demo residents who can sign in: phones 13800000001 … 13800000020. */
export const DEMO_RESIDENT_COUNT = 20;
export const demoResidentPhone = (i: number) => `138000000${String(i + 1).padStart(2, '0')}`;

export interface SeedProgress {
  phase: 'jurisdictions' | 'grids' | 'staff' | 'households' | 'places' | 'done';
  done: number;
  total: number;
}

export interface SeedResult {
  seed: number;
  residents: number;
  households: number;
  places: number;
  grids: number;
  jurisdictions: number;
  staff: number;
  ms: number;
}

const BATCH = 1000;

/**
 * Builds the deterministic demo city into an empty database in one transaction:
 * either the whole city is there, or nothing is.
 */
export async function seedDemoCity(
  ctx: AppContext,
  opts: { seed: number; residents: number; onProgress?: (p: SeedProgress) => void },
): Promise<SeedResult> {
  const t0 = performance.now();
  const existing = await ctx.db.selectFrom('jurisdictions').select('id').limit(1).execute();
  if (existing.length > 0)
    throw new Error(
      'The database already holds jurisdictions; seed only runs on an empty database (use a fresh DATA_DIR).',
    );
  const city = generateDemoCity({ seed: opts.seed, residents: opts.residents });
  const progress = opts.onProgress ?? (() => {});
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = ctx.clock.now();
  const key = ctx.secrets.idHmacKey;
  let residentsTotal = 0;
  let householdsTotal = 0;
  let placesTotal = 0;
  let staffTotal = 0;

  await ctx.db.transaction().execute(async (trx) => {
    // Jurisdictions, parents first.
    const paths = new Map<string, { path: string; depth: number }>();
    progress({ phase: 'jurisdictions', done: 0, total: city.jurisdictions.length });
    const jrows = city.jurisdictions.map((j) => {
      const parent = j.parentId ? paths.get(j.parentId) : null;
      const path = parent ? `${parent.path}.${j.id}` : j.id;
      const depth = parent ? parent.depth + 1 : 0;
      paths.set(j.id, { path, depth });
      return {
        id: j.id,
        parent_id: j.parentId,
        level: j.level,
        name_zh: j.nameZh,
        name_en: j.nameEn,
        path,
        depth,
        geometry: j.geometry ? JSON.stringify(j.geometry) : null,
        area_m2: j.geometry ? areaM2(j.geometry) : null,
        bbox: j.geometry ? bboxOf(j.geometry) : null,
      };
    });
    for (let i = 0; i < jrows.length; i += 200)
      await trx
        .insertInto('jurisdictions')
        .values(jrows.slice(i, i + 200))
        .execute();
    progress({ phase: 'jurisdictions', done: jrows.length, total: jrows.length });

    // Grids and their H3 covers.
    for (let i = 0; i < city.grids.length; i += 250) {
      const chunk = city.grids.slice(i, i + 250);
      await trx
        .insertInto('grids')
        .values(
          chunk.map((g) => {
            const c = centroidOf(g.geometry);
            return {
              code: g.code,
              community_id: g.communityId,
              serial: g.serial,
              name_zh: g.nameZh,
              name_en: g.nameEn,
              geometry: JSON.stringify(g.geometry),
              area_m2: areaM2(g.geometry),
              centroid_lat: c.lat,
              centroid_lng: c.lng,
              bbox: bboxOf(g.geometry),
            };
          }),
        )
        .execute();
      const cells = chunk.flatMap((g) => coverCells(g.geometry).map((cell) => ({ cell, grid_code: g.code })));
      for (let k = 0; k < cells.length; k += 5000)
        await trx
          .insertInto('grid_cells')
          .values(cells.slice(k, k + 5000))
          .execute();
      progress({ phase: 'grids', done: Math.min(i + 250, city.grids.length), total: city.grids.length });
    }

    // Staff: one account per role and level, one grid worker per grid. All demo accounts share DEMO_PASSWORD.
    const r = new Prng(opts.seed ^ 0x57aff);
    const staff: Array<{
      id: string;
      username: string;
      display_name: string;
      role: string;
      scope_jurisdiction_id: string;
      password_hash: string;
    }> = [];
    const addStaff = (username: string, displayName: string, role: string, scope: string) => {
      const id = r.uuid();
      staff.push({
        id,
        username,
        display_name: displayName,
        role,
        scope_jurisdiction_id: scope,
        password_hash: passwordHash,
      });
      return id;
    };
    addStaff('admin', 'City administrator', 'admin', DEMO_CITY);
    addStaff('admin2', 'Second administrator', 'admin', DEMO_CITY);
    addStaff('health', 'City health officer', 'health_officer', DEMO_CITY);
    addStaff('health2', 'Second health officer', 'health_officer', DEMO_CITY);
    addStaff('auditor', 'City auditor', 'auditor', DEMO_CITY);
    addStaff('auditor2', 'Second auditor', 'auditor', DEMO_CITY);
    addStaff('lab', 'City laboratory', 'lab', DEMO_CITY);
    addStaff('verifier', 'Checkpoint verifier', 'verifier', DEMO_CITY);
    addStaff('city.officer', 'City duty officer', 'district_officer', DEMO_CITY);
    for (const j of city.jurisdictions) {
      if (j.level === 'district') addStaff(`district.${j.id}`, `${j.nameEn} officer`, 'district_officer', j.id);
      if (j.level === 'subdistrict')
        addStaff(`subdistrict.${j.id}`, `${j.nameEn} officer`, 'subdistrict_officer', j.id);
      if (j.level === 'community') addStaff(`community.${j.id}`, `${j.nameEn} officer`, 'community_officer', j.id);
    }
    const workerOf = new Map<string, string>();
    for (const g of city.grids)
      workerOf.set(
        g.code,
        addStaff(`worker.${g.code}`, `Grid worker ${g.code.slice(-6)}`, 'grid_worker', g.communityId),
      );
    const venueOperator = addStaff('venue', 'Venue operator', 'venue_operator', DEMO_CITY);
    for (let i = 0; i < staff.length; i += BATCH)
      await trx
        .insertInto('staff')
        .values(staff.slice(i, i + BATCH))
        .execute();
    const gw = city.grids.map((g) => ({ grid_code: g.code, staff_id: workerOf.get(g.code) as string }));
    for (let i = 0; i < gw.length; i += BATCH)
      await trx
        .insertInto('grid_workers')
        .values(gw.slice(i, i + BATCH))
        .execute();
    staffTotal = staff.length;
    progress({ phase: 'staff', done: staff.length, total: staff.length });

    // Households and residents, grid by grid.
    let hhBuf: Array<{ id: string; grid_code: string; address: string; lat: number; lng: number }> = [];
    let resBuf: Array<{
      id: string;
      household_id: string;
      name: string;
      birth_date: string;
      phone: string;
      national_id_hmac: string | null;
      national_id_masked: string | null;
      password_hash: string | null;
    }> = [];
    const flush = async () => {
      if (hhBuf.length) await trx.insertInto('households').values(hhBuf).execute();
      if (resBuf.length) await trx.insertInto('residents').values(resBuf).execute();
      hhBuf = [];
      resBuf = [];
    };
    const seenIds = new Set<string>();
    for (let gi = 0; gi < city.grids.length; gi++) {
      const g = city.grids[gi] as GenGrid;
      for (const { household, residents } of city.householdsOf(g)) {
        hhBuf.push({
          id: household.id,
          grid_code: g.code,
          address: household.address,
          lat: household.lat,
          lng: household.lng,
        });
        householdsTotal++;
        for (const res of residents) {
          const demo = residentsTotal < DEMO_RESIDENT_COUNT;
          // Synthetic ID numbers can collide; the registry keeps them unique, so later duplicates are left blank.
          const hmac = hmacNationalId(key, res.nationalId);
          const unique = !seenIds.has(hmac);
          if (unique) seenIds.add(hmac);
          resBuf.push({
            id: res.id,
            household_id: household.id,
            name: res.name,
            birth_date: res.birthDate,
            phone: demo ? demoResidentPhone(residentsTotal) : res.phone,
            national_id_hmac: unique ? hmac : null,
            national_id_masked: unique ? maskNationalId(res.nationalId) : null,
            password_hash: demo ? passwordHash : null,
          });
          residentsTotal++;
        }
        if (resBuf.length >= BATCH) await flush();
      }
      if (gi % 20 === 0) progress({ phase: 'households', done: gi + 1, total: city.grids.length });
    }
    await flush();
    progress({ phase: 'households', done: city.grids.length, total: city.grids.length });

    // Places.
    let placeBuf: Array<{
      id: string;
      kind: 'venue' | 'sentinel';
      category: string;
      name_zh: string;
      name_en: string;
      lat: number;
      lng: number;
      grid_code: string;
      operator_staff_id: string | null;
    }> = [];
    for (let gi = 0; gi < city.grids.length; gi++) {
      const g = city.grids[gi] as GenGrid;
      for (const p of city.placesOf(g, gi)) {
        placeBuf.push({
          id: p.id,
          kind: p.kind,
          category: p.category,
          name_zh: p.nameZh,
          name_en: p.nameEn,
          lat: p.lat,
          lng: p.lng,
          grid_code: p.gridCode,
          operator_staff_id: placesTotal < 5 ? venueOperator : null,
        });
        placesTotal++;
      }
      if (placeBuf.length >= BATCH) {
        await trx.insertInto('places').values(placeBuf).execute();
        placeBuf = [];
        progress({ phase: 'places', done: gi + 1, total: city.grids.length });
      }
    }
    if (placeBuf.length) await trx.insertInto('places').values(placeBuf).execute();

    await trx
      .insertInto('settings')
      .values({
        key: 'demo_city',
        value: JSON.stringify({ seed: opts.seed, residents: residentsTotal, seededAt: now.toISOString() }),
      })
      .execute();
    await declareDemoEmergency(trx, now, DEMO_CITY);
    await appendAudit(trx, now, {
      actor: { kind: 'system', id: 'seed' },
      action: 'demo.seed',
      subjectKind: 'city',
      subjectId: DEMO_CITY,
      detail: {
        seed: opts.seed,
        residents: residentsTotal,
        households: householdsTotal,
        places: placesTotal,
        grids: city.grids.length,
      },
    });
  });
  if (ctx.dbKind === 'postgres') await sql`analyze`.execute(ctx.db);
  progress({ phase: 'done', done: 1, total: 1 });
  return {
    seed: opts.seed,
    residents: residentsTotal,
    households: householdsTotal,
    places: placesTotal,
    grids: city.grids.length,
    jurisdictions: city.jurisdictions.length,
    staff: staffTotal,
    ms: Math.round(performance.now() - t0),
  };
}
