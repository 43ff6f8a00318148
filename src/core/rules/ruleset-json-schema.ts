import { z } from 'zod';
import { RuleSetSchema } from './ruleset.ts';

/**
 * The published JSON Schema of rule-set documents (committed as docs/ruleset.schema.json). It is generated from the
 * zod schema so the two cannot drift; semantic checks (overlaps, parameters, placeholders) are beyond JSON Schema and
 * are listed in its description.
 */
export function ruleSetJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(RuleSetSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema: generated.$schema,
    $id: 'https://tessera.dev/schemas/ruleset.schema.json',
    title: 'Tessera health-status rule set',
    description:
      'A published, versioned rule set mapping health facts to a color, a period and release criteria. ' +
      'Generated from src/core/rules/ruleset.ts; see docs/rulesets.md. Publication additionally rejects: ' +
      'duplicate or reserved rule ids, rules that can match the same fact, rules triggered by negative results, ' +
      'unknown parameters, out-of-range resolved numbers, unknown explanation placeholders and unknown time zones.',
    ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== '$schema')),
  };
}
