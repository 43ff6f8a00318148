import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { NAME_MAX } from '../../core/registry/person-fields.ts';
import type { NewResident } from '../registry/residents.repository.ts';
import { registeredHmacs } from '../registry/residents.repository.ts';
import { personFieldErrors, storedNationalId } from '../registry/resident-fields.ts';
import { cell, readCsvRows, UUID, type CsvSpec } from './csv-rows.ts';
import { BATCH, existingIds, insertInBatches, scopeProblem, type ImportRun, type Prepared } from './import-run.ts';

export const RESIDENT_COLUMNS: CsvSpec = {
  required: ['household_id', 'name', 'birth_date'],
  optional: ['id', 'phone', 'national_id'],
};

const CSV_NAMES = { birthDate: 'birth_date', phone: 'phone', nationalId: 'national_id' };

type Pending = NewResident & { line: number; givenId: boolean };

/**
 * CSV `household_id,name,birth_date[,phone][,national_id][,id]`. The ID number is checked, then kept
 * only as HMAC and mask; duplicates in the file or against the registry are refused without saying whose.
 */
export async function prepareResidents(run: ImportRun, source: Readable, bytes: number): Promise<Prepared> {
  const { report, ctx } = run;
  const today = ctx.clock.now();
  const key = ctx.secrets.idHmacKey;
  const out: NewResident[] = [];
  const idLines = new Map<string, number>();
  const hmacLines = new Map<string, number>();
  // household id → its community path (null: no such household)
  const households = new Map<string, string | null>();
  let chunk: Pending[] = [];

  const flush = async () => {
    const unknown = [...new Set(chunk.map((p) => p.household_id))].filter((h) => !households.has(h));
    for (let i = 0; i < unknown.length; i += BATCH) {
      const slice = unknown.slice(i, i + BATCH);
      const rows = await run.trx
        .selectFrom('households')
        .innerJoin('grids', 'grids.code', 'households.grid_code')
        .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
        .select(['households.id', 'jurisdictions.path'])
        .where('households.id', 'in', slice)
        .execute();
      for (const h of slice) households.set(h, null);
      for (const r of rows) households.set(r.id, r.path);
    }
    const registered = await registeredHmacs(
      run.trx,
      chunk.flatMap((p) => (p.national_id_hmac ? [p.national_id_hmac] : [])),
    );
    const taken = await existingIds(
      run.trx,
      'residents',
      chunk.flatMap((p) => (p.givenId ? [p.id] : [])),
    );
    for (const p of chunk) {
      const at = { line: p.line };
      let ok = true;
      const path = households.get(p.household_id);
      if (!path) {
        report.reject(at, 'household_id', `no household ${p.household_id}`);
        ok = false;
      } else {
        const denied = scopeProblem(run.principal, path);
        if (denied) {
          report.reject(at, 'household_id', `household ${p.household_id}: ${denied}`);
          ok = false;
        }
      }
      if (p.national_id_hmac && registered.has(p.national_id_hmac)) {
        report.reject(at, 'national_id', 'a resident with this national ID number is already registered');
        ok = false;
      }
      if (p.givenId && taken.has(p.id)) {
        report.reject(at, 'id', `resident ${p.id} already exists`);
        ok = false;
      }
      if (ok && report.ok) {
        const { line: _line, givenId: _given, ...row } = p;
        out.push(row);
      }
    }
    chunk = [];
  };

  for await (const row of readCsvRows(source, RESIDENT_COLUMNS, report, (b) => run.progress('validate', b, bytes))) {
    const at = { line: row.line };
    let bad = false;
    const fail = (field: string, reason: string) => {
      report.reject(at, field, reason);
      bad = true;
    };
    const householdId = cell(row, 'household_id').toLowerCase();
    if (!UUID.test(householdId)) fail('household_id', `"${householdId}" is not a household id (UUID)`);
    const name = cell(row, 'name');
    if (!name) fail('name', 'must not be empty');
    else if (name.length > NAME_MAX) fail('name', `is longer than ${NAME_MAX} characters`);
    const birthDate = cell(row, 'birth_date');
    const phone = cell(row, 'phone') || null;
    const nationalId = cell(row, 'national_id') || null;
    for (const e of personFieldErrors({ birthDate, phone, nationalId }, today, CSV_NAMES)) fail(e.field, e.message);
    const id = cell(row, 'id').toLowerCase() || null;
    if (id && !UUID.test(id)) fail('id', `"${id}" is not a UUID`);
    else if (id && idLines.has(id)) fail('id', `duplicate id ${id} (also on line ${idLines.get(id)})`);
    if (id && !idLines.has(id)) idLines.set(id, row.line);
    const stored = nationalId && !bad ? storedNationalId(key, nationalId) : null;
    if (stored) {
      const first = hmacLines.get(stored.national_id_hmac);
      if (first !== undefined) fail('national_id', `the same national ID number as line ${first}`);
      else hmacLines.set(stored.national_id_hmac, row.line);
    }
    if (bad) continue;
    chunk.push({
      line: row.line,
      givenId: id !== null,
      id: id ?? randomUUID(),
      household_id: householdId,
      name,
      birth_date: birthDate,
      phone,
      national_id_hmac: stored?.national_id_hmac ?? null,
      national_id_masked: stored?.national_id_masked ?? null,
    });
    if (chunk.length >= BATCH) await flush();
  }
  await flush();

  return {
    count: out.length,
    insert: () => insertInBatches(run, out, (batch) => run.trx.insertInto('residents').values(batch).execute()),
  };
}
