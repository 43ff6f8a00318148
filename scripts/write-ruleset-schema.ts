// Regenerates docs/ruleset.schema.json from the zod schema: `npx tsx scripts/write-ruleset-schema.ts`.
// src/core/rules/ruleset-json-schema.test.ts fails while the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { ruleSetJsonSchema } from '../src/core/rules/ruleset-json-schema.ts';

const target = fileURLToPath(new URL('../docs/ruleset.schema.json', import.meta.url));
const options = (await resolveConfig(target)) ?? {};
writeFileSync(target, await format(JSON.stringify(ruleSetJsonSchema()), { ...options, filepath: target }));
console.log(`wrote ${target}`);
