import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { startExport } from '../modules/exports/export.service.ts';
import { IMPORT_KINDS, type ImportKind } from '../modules/imports/import-report.ts';
import { cliUser, usageExit } from './import.ts';
import { createProgress } from './progress.ts';
import { openCliRuntime } from './runtime.ts';

export function registerExport(program: Command) {
  program
    .command('export')
    .description(
      'Export in the import formats: GeoJSON for jurisdictions and grids, CSV for households, residents (masked ID only) and places. Audited.',
    )
    .addArgument(program.createArgument('<kind>', 'what to export').choices(IMPORT_KINDS))
    .option('--out <file>', 'write to this file (default: standard output)')
    .option('--jurisdiction <code>', "only this jurisdiction's subtree")
    .exitOverride(usageExit)
    .action(async (kind: ImportKind, opts: { out?: string; jurisdiction?: string }) => {
      const rt = await openCliRuntime();
      const progress = createProgress(`export ${kind}`);
      const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout;
      try {
        const exp = await startExport(rt.ctx, {
          kind,
          jurisdiction: opts.jurisdiction,
          principal: null,
          cliUser: cliUser(),
        });
        // One row or feature per line in both formats, after one header line.
        let lines = 0;
        for await (const chunk of exp.chunks) {
          if (!out.write(chunk)) await once(out, 'drain');
          lines += chunk.split('\n').length - 1;
          progress.update('rows', Math.min(exp.count, Math.max(0, lines - 1)), exp.count);
        }
        progress.update('rows', exp.count, exp.count);
        if (opts.out) {
          out.end();
          await once(out, 'finish');
          process.stderr.write(`exported ${exp.count} ${kind} to ${opts.out}\n`);
        }
      } finally {
        progress.stop();
        await rt.close();
      }
    });
}
