import { createReadStream, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { Option, type CommanderError } from 'commander';
import { IMPORT_KINDS, type ImportKind } from '../modules/imports/import-report.ts';
import { runImport } from '../modules/imports/import.service.ts';
import { createProgress } from './progress.ts';
import { openCliRuntime } from './runtime.ts';

/** The local operator, named in the audit log as `cli:<os user>`. */
export const cliUser = () => {
  try {
    return userInfo().username;
  } catch {
    return 'operator';
  }
};

/** Usage errors exit 2 (0 ok, 1 rejected, 2 usage), like the root command. */
export function usageExit(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}

export function registerImport(program: Command) {
  program
    .command('import')
    .description(
      'Import a file: GeoJSON for jurisdictions and grids, CSV for households, residents and places. Prints a JSON report; exit 1 when any row is rejected (then nothing is written).',
    )
    .addArgument(program.createArgument('<kind>', 'what the file holds').choices(IMPORT_KINDS))
    .argument('<file>', 'the file to import')
    .addOption(new Option('--dry-run', 'validate only; write nothing'))
    .exitOverride(usageExit)
    .action(async (kind: ImportKind, file: string, opts: { dryRun?: boolean }) => {
      let bytes: number;
      try {
        bytes = statSync(file).size;
      } catch (err) {
        process.stderr.write(`tessera import: cannot read ${file}: ${(err as NodeJS.ErrnoException).code}\n`);
        process.exitCode = 2;
        return;
      }
      const rt = await openCliRuntime();
      const progress = createProgress(`import ${kind}`);
      let code = 1;
      try {
        const report = await runImport(rt.ctx, {
          kind,
          source: { stream: createReadStream(file), bytes },
          principal: null,
          cliUser: cliUser(),
          dryRun: opts.dryRun === true,
          onProgress: (phase, done, total) => progress.update(phase, done, total),
        });
        progress.stop();
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        code = report.ok ? 0 : 1;
      } finally {
        progress.stop();
        await rt.close();
        // Set after closing: closing embedded PGlite resets process.exitCode.
        process.exitCode = code;
      }
    });
}
