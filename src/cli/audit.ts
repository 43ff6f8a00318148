import type { Command } from 'commander';
import { createCheckpoint } from '../modules/audit/checkpoints.service.ts';
import { verifyAuditChain } from '../modules/audit/verify.service.ts';
import { intArg } from './seed.ts';
import { createProgress } from './progress.ts';
import { openCliRuntime } from './runtime.ts';

export function registerAudit(program: Command) {
  const audit = program.command('audit').description('Verify and checkpoint the tamper-evident audit log');
  audit
    .command('verify')
    .description(
      'Recompute the hash chain in seq order and check it against the signed checkpoints. Exits 1 naming the first altered, inserted, reordered or missing entry.',
    )
    .option('--batch <n>', 'entries read per query', intArg(100, 1_000_000), 10_000)
    .option('--json', 'print the report as JSON')
    .action(async (opts: { batch: number; json?: boolean }) => {
      const rt = await openCliRuntime();
      const progress = createProgress('audit verify');
      let code = 1;
      try {
        const report = await verifyAuditChain(rt.ctx, {
          batch: opts.batch,
          onProgress: (done, total) => progress.update('entries', done, total),
        });
        progress.stop();
        if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else {
          const rate = report.ms > 0 ? Math.round((report.entries / report.ms) * 1000) : report.entries;
          process.stdout.write(
            `${report.ok ? 'OK' : 'FAILED'}: ${report.message}\n` +
              `  entries verified ${report.entries} (${rate}/s), head seq ${report.head.seq}, ` +
              `${report.checkpoints.count} checkpoints (latest at seq ${report.checkpoints.latestSeq ?? '—'})\n`,
          );
        }
        code = report.ok ? 0 : 1;
      } finally {
        progress.stop();
        await rt.close();
      }
      // Set after closing: closing embedded PGlite resets the exit code.
      process.exitCode = code;
    });
  audit
    .command('checkpoint')
    .description('Sign the current chain head now with the audit key (the server also does so at a fixed interval)')
    .action(async () => {
      const rt = await openCliRuntime();
      try {
        const cp = await createCheckpoint(rt.ctx);
        process.stdout.write(
          cp
            ? `signed checkpoint ${cp.id} at seq ${cp.statement.seq} (${cp.statement.headHash})\n`
            : 'nothing to sign: the head has not moved since the last checkpoint\n',
        );
      } finally {
        await rt.close();
      }
    });
}
