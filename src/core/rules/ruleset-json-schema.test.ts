import { describe, expect, it } from 'vitest';
import committed from '../../../docs/ruleset.schema.json' with { type: 'json' };
import { FACT_KINDS } from './facts.ts';
import { ruleSetJsonSchema } from './ruleset-json-schema.ts';
import { TRIGGER_KINDS } from './ruleset.ts';

describe('published JSON Schema', () => {
  it('docs/ruleset.schema.json is current (regenerate: npx tsx scripts/write-ruleset-schema.ts)', () => {
    expect(committed).toEqual(ruleSetJsonSchema());
  });

  it('lets rules name only the trigger kinds, and the mark only vaccination', () => {
    const text = JSON.stringify(ruleSetJsonSchema());
    const kinds = [...text.matchAll(/"kind":\{"type":"string","const":"([a-z_]+)"\}/g)].map((m) => m[1]);
    expect(new Set(kinds)).toEqual(new Set([...TRIGGER_KINDS, 'vaccination']));
    expect(kinds.every((k) => (FACT_KINDS as readonly (string | undefined)[]).includes(k))).toBe(true);
  });

  it('closes every object so no undeclared field can be added', () => {
    const open: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      const o = node as Record<string, unknown>;
      // Only the parameter maps take extra keys, and only numbers.
      if (o.type === 'object' && o.additionalProperties !== false) {
        const extra = o.additionalProperties as { type?: string } | undefined;
        if (extra?.type !== 'number' && extra?.type !== 'integer') open.push(path);
      }
      for (const [k, v] of Object.entries(o)) walk(v, `${path}/${k}`);
    };
    walk(ruleSetJsonSchema(), '');
    expect(open).toEqual([]);
  });
});
