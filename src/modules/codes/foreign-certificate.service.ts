import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { notFound, unprocessable } from '../../platform/http/problem.ts';
import { recordFact } from '../status/facts.service.ts';
import { verify } from './codes.service.ts';

const NAAT_PCR = 'LP6464-4';
const DETECTED = '260373001';
const NOT_DETECTED = '260415000';

/** Identifier-safe form of a DCC issuer or certificate id (facts accept only a token alphabet). */
const token = (s: string) =>
  s
    .replace(/[^A-Za-z0-9._:/#-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 120) || 'unknown';

/**
 * Turns a verified EU DCC into a health fact for a resident: a vaccination certificate becomes a vaccination fact,
 * a test certificate a test result. The certificate's date of birth must match the resident's (an audited identity
 * check), so a certificate cannot be attached to the wrong person. Recovery certificates are not a fact kind here.
 */
export async function importForeignCertificate(
  ctx: AppContext,
  principal: Principal,
  input: { personId: string; code: string },
) {
  const resident = await ctx.db
    .selectFrom('residents')
    .select(['id', 'birth_date'])
    .where('id', '=', input.personId)
    .executeTakeFirst();
  if (!resident) throw notFound(`No resident ${input.personId}`);
  const result = await verify(ctx, principal, input.code, true);
  if (result.format !== 'HC1')
    throw unprocessable('body.code: only EU Digital COVID Certificates (HC1:) can be imported as facts');
  if (!result.valid) throw unprocessable(`body.code: the certificate did not verify: ${result.error ?? 'invalid'}`);
  const dcc = ((result.payload as { hcert?: Record<string, Record<string, unknown>> }).hcert ?? {})['1'] ?? {};
  const dob = String(dcc.dob ?? '');
  const birth =
    typeof resident.birth_date === 'string' ? resident.birth_date : new Date(resident.birth_date).toISOString();
  if (!dob || birth.slice(0, 10) !== dob.slice(0, 10))
    throw unprocessable("body.code: the certificate's date of birth does not match this resident");
  const provenanceFor = (entry: Record<string, unknown>) => ({
    source: 'foreign_certificate',
    format: 'HC1',
    issuer: token(String(result.issuer ?? entry.co ?? 'unknown')),
    certificateId: token(String(entry.ci ?? 'unknown')),
  });
  if (result.certificateType === 'v') {
    const v = (dcc.v as Array<Record<string, unknown>>)[0]!;
    const doses = Number(v.dn);
    const series = Number(v.sd);
    return recordFact(ctx, principal, {
      personId: input.personId,
      kind: 'vaccination',
      occurredAt: `${String(v.dt).slice(0, 10)}T00:00:00Z`,
      doses,
      complete: doses >= series,
      productCode: typeof v.mp === 'string' ? token(v.mp) : null,
      provenance: provenanceFor(v),
    });
  }
  if (result.certificateType === 't') {
    const t = (dcc.t as Array<Record<string, unknown>>)[0]!;
    if (t.tr !== DETECTED && t.tr !== NOT_DETECTED)
      throw unprocessable(`body.code: unknown test result code ${String(t.tr)}`);
    const collected = new Date(String(t.sc)).toISOString();
    return recordFact(ctx, principal, {
      personId: input.personId,
      kind: 'test_result',
      method: t.tt === NAAT_PCR ? 'pcr' : 'antigen',
      result: t.tr === DETECTED ? 'positive' : 'negative',
      specimenCollectedAt: collected,
      occurredAt: collected,
      provenance: provenanceFor(t),
    });
  }
  throw unprocessable('body.code: recovery certificates cannot be imported: recovery is not a health fact kind here');
}
