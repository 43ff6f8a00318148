import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { RETENTION_CATEGORIES, type RetentionCategory } from '../core/retention/policy.ts';
import { verifyPresentedCertificate } from '../modules/retention/certificates.service.ts';
import { runPurge } from '../modules/retention/purge.service.ts';
import { openCliRuntime } from './runtime.ts';

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8')) as unknown;
  } catch (err) {
    process.stderr.write(`tessera purge: cannot read ${what} ${file}: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

export function registerPurge(program: Command) {
  const purge = program
    .command('purge')
    .description(
      'Delete data past its retention period (or whose emergency ended), keeping what an open case needs; every category purged gets a signed deletion certificate',
    )
    .option('--dry-run', 'report what would be deleted and kept, delete nothing')
    .option('--category <name...>', `only these categories (${RETENTION_CATEGORIES.join(', ')})`)
    .option('--strict', 'refuse (exit 1) instead of keeping back records an open case still needs')
    .action(async (opts: { dryRun?: boolean; category?: string[]; strict?: boolean }) => {
      const bad = (opts.category ?? []).filter((c) => !(RETENTION_CATEGORIES as readonly string[]).includes(c));
      if (bad.length) {
        process.stderr.write(
          `tessera purge: unknown category ${bad.join(', ')}; one of ${RETENTION_CATEGORIES.join(', ')}\n`,
        );
        process.exit(2);
      }
      const rt = await openCliRuntime();
      try {
        const user = process.env.USER ?? userInfo().username;
        const report = await runPurge(rt.ctx, {
          dryRun: Boolean(opts.dryRun),
          categories: opts.category as RetentionCategory[] | undefined,
          strict: Boolean(opts.strict),
          trigger: `cli:${user}`,
          actor: { kind: 'system', id: `cli:${user}` },
        });
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } finally {
        await rt.close();
      }
    });
  purge
    .command('verify-certificate')
    .description(
      'Verify a deletion certificate file against this system; with --ids, also the commitment. Exits 1 if invalid.',
    )
    .argument('<file>', 'certificate JSON (as served by /api/v1/retention/certificates/{id}); - for standard input')
    .option('--ids <file>', 'JSON array of the deleted record ids, to check the hash commitment')
    .action(async (file: string, opts: { ids?: string }) => {
      const doc = readJson(file, 'certificate');
      const ids = opts.ids ? readJson(opts.ids, 'id list') : undefined;
      if (ids !== undefined && (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string'))) {
        process.stderr.write('tessera purge: --ids must be a JSON array of strings\n');
        process.exit(2);
      }
      const rt = await openCliRuntime();
      let code = 1;
      try {
        const r = await verifyPresentedCertificate(rt.ctx, doc, ids as string[] | undefined);
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        code = r.valid ? 0 : 1;
      } finally {
        await rt.close();
      }
      // Set after closing: closing embedded PGlite resets the exit code.
      process.exitCode = code;
    });
}
