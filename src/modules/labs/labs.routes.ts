import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseLabCsv } from '../../core/labs/csv.ts';
import { parseFhirSubmission } from '../../core/labs/fhir.ts';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import { Problem } from '../../platform/http/problem.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { recentLabResults, submitLabResults } from './labs.service.ts';

const MAX_SUBMISSION_BYTES = 20 * 1024 * 1024;

const Report = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  casesOpened: z.number().int(),
  records: z.array(
    z.object({
      ref: z.string().describe('entry[i] of a Bundle, Observation, or line n of a CSV file'),
      status: z.enum(['accepted', 'duplicate', 'rejected']),
      factId: z.string().nullable(),
      result: z.enum(['positive', 'negative']).nullable(),
      field: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
});

export const labRoutes: RouteModule = async (app, ctx) => {
  app.get(
    '/lab-results',
    {
      schema: {
        tags: ['labs'],
        summary:
          'The results I submitted most recently (lab token or lab staff): specimen id, result and times, never the person',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                factId: z.string(),
                specimenId: z.string(),
                result: z.enum(['positive', 'negative']).nullable(),
                specimenCollectedAt: z.string().nullable(),
                issuedAt: z.string(),
                recordedAt: z.string(),
                withdrawn: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await recentLabResults(ctx, requireSignedIn(req), req.query.limit) }),
  );
  // FHIR and CSV parsers live in this child context, so the rest of the API keeps taking plain JSON only.
  await app.register(async (child) => {
    const zapp = child.withTypeProvider<ZodTypeProvider>();
    zapp.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_SUBMISSION_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    zapp.addContentTypeParser(
      'application/fhir+json',
      { parseAs: 'string', bodyLimit: MAX_SUBMISSION_BYTES },
      (_req, body, done) => {
        try {
          done(null, JSON.parse(body as string));
        } catch (err) {
          done(
            new Problem(400, 'Malformed JSON', `The FHIR body is not valid JSON: ${(err as Error).message}`),
            undefined,
          );
        }
      },
    );
    zapp.post(
      '/lab-results',
      {
        schema: {
          tags: ['labs'],
          summary:
            'Submit SARS-CoV-2 RNA results (lab token or lab staff): a FHIR R4 Bundle or Observation (application/fhir+json ' +
            'or application/json; LOINC 94500-6, Patient identifier = national ID, specimen collection time, SNOMED CT ' +
            '260373001 Detected / 260415000 Not detected), or CSV (text/csv: national_id, specimen_id, collected_at, ' +
            'result[, reported_at, loinc]). Every record gets its own verdict; rejected records change nothing.',
          consumes: ['application/fhir+json', 'application/json', 'text/csv'],
          body: z.union([z.string(), z.record(z.string(), z.unknown())]),
          response: { 200: Report },
        },
      },
      async (req) => {
        const principal = requireSignedIn(req);
        const csv = (req.headers['content-type'] ?? '').toLowerCase().startsWith('text/csv');
        const parsed = csv ? parseLabCsv(String(req.body)) : parseFhirSubmission(req.body);
        return submitLabResults(ctx, principal, parsed);
      },
    );
  });
};
