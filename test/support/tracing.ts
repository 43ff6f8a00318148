import jsqrModule from 'jsqr';
import type { FastifyInstance } from 'fastify';
import { generateDemoCity } from '../../src/core/geo/demo-city.ts';

// jsqr is a webpack UMD bundle: depending on the loader its function is the module or its `default`.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsqrModule as unknown as { default?: unknown }).default ?? jsqrModule) as Decode;

/**
 * Decodes the QR code drawn in an SVG produced by the `qrcode` package (one `<path stroke>` of horizontal runs in module
 * units, nested in an <svg viewBox>), by rasterising it and reading it with jsQR as a phone would.
 */
export function decodeQrInSvg(svg: string): string | null {
  const at = svg.indexOf('<path stroke="#000000"');
  if (at < 0) return null;
  const open = svg.lastIndexOf('<svg', at);
  const box = /viewBox="0 0 (\d+) \d+"/.exec(svg.slice(open, at));
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg.slice(at))?.[1];
  if (!box || !d) return null;
  const n = Number(box[1]);
  const scale = 6;
  const size = n * scale;
  const px = new Uint8ClampedArray(size * size * 4).fill(255);
  let x = 0;
  let y = 0;
  for (const m of d.matchAll(/([MmHhVv])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?/g)) {
    const cmd = m[1]!;
    const a = Number(m[2]);
    const b = Number(m[3] ?? 0);
    if (cmd === 'M') [x, y] = [a, b];
    else if (cmd === 'm') [x, y] = [x + a, y + b];
    else if (cmd === 'h') {
      for (let cx = x; cx < x + a; cx++)
        for (let sy = 0; sy < scale; sy++)
          for (let sx = 0; sx < scale; sx++) {
            const i = ((Math.floor(y) * scale + sy) * size + cx * scale + sx) * 4;
            px[i] = px[i + 1] = px[i + 2] = 0;
          }
      x += a;
    }
  }
  return jsQR(px, size, size)?.data ?? null;
}

/** An API token for a device, lab or verifier, issued by the demo admin. */
export async function apiToken(
  app: FastifyInstance,
  admin: { authorization: string },
  input: { kind: 'device' | 'lab' | 'verifier'; scopeJurisdictionId: string; placeId?: string; name?: string },
): Promise<{ authorization: string; id: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: admin,
    payload: { name: input.name ?? `${input.kind} token`, ...input },
  });
  if (res.statusCode !== 201) throw new Error(`token: ${res.body}`);
  return { authorization: `Bearer ${res.json().token as string}`, id: res.json().id as string };
}

/** National ID numbers of the demo city's residents, regenerated from its seed (the database keeps only a keyed hash). */
export function demoNationalIds(seed: number, residents: number): Map<string, string> {
  const city = generateDemoCity({ seed, residents });
  const out = new Map<string, string>();
  for (const g of city.grids)
    for (const h of city.householdsOf(g)) for (const r of h.residents) out.set(r.id, r.nationalId);
  return out;
}

/** A FHIR R4 Bundle with one SARS-CoV-2 RNA result per entry triple (Patient, Specimen, Observation). */
export function fhirBundle(
  results: Array<{
    nationalId: string | null;
    specimenId: string;
    collectedAt: string;
    detected: boolean;
    issued?: string;
  }>,
): Record<string, unknown> {
  const entry = results.flatMap((r, i) => {
    const patient = {
      resourceType: 'Patient',
      id: `p${i}`,
      ...(r.nationalId
        ? { identifier: [{ system: 'urn:oid:2.16.156.10011.1.1', value: r.nationalId }] }
        : { name: [{ text: 'no identifier' }] }),
    };
    const specimen = {
      resourceType: 'Specimen',
      id: `s${i}`,
      identifier: [{ value: r.specimenId }],
      collection: { collectedDateTime: r.collectedAt },
    };
    const observation = {
      resourceType: 'Observation',
      id: `o${i}`,
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '94500-6' }] },
      subject: { reference: `Patient/p${i}` },
      specimen: { reference: `Specimen/s${i}` },
      ...(r.issued ? { issued: r.issued } : {}),
      valueCodeableConcept: {
        coding: [
          r.detected
            ? { system: 'http://snomed.info/sct', code: '260373001', display: 'Detected' }
            : { system: 'http://snomed.info/sct', code: '260415000', display: 'Not detected' },
        ],
      },
    };
    return [
      { fullUrl: `urn:uuid:p${i}`, resource: patient },
      { fullUrl: `urn:uuid:s${i}`, resource: specimen },
      { fullUrl: `urn:uuid:o${i}`, resource: observation },
    ];
  });
  return { resourceType: 'Bundle', type: 'collection', entry };
}
