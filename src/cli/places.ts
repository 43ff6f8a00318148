import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { appendAudit } from '../modules/audit/audit.repository.ts';
import { placePoster } from '../modules/scans/place-codes.service.ts';
import { createProgress } from './progress.ts';
import { openCliRuntime } from './runtime.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function usage(message: string): never {
  process.stderr.write(`tessera places posters: ${message}\n`);
  process.exit(2);
}

export function registerPlaces(program: Command) {
  const places = program.command('places').description('Places: printable posters with signed place codes');
  places
    .command('posters')
    .description(
      'Write an A4 SVG poster (QR place code, name in zh-CN and English, jurisdiction) for one place or every place of a grid',
    )
    .option('--place <id>', 'one place')
    .option('--grid <code>', 'every place in this unit grid (15-digit code)')
    .requiredOption('--out <dir>', 'directory to write the posters to (created if missing)')
    .action(async (opts: { place?: string; grid?: string; out: string }) => {
      if (Boolean(opts.place) === Boolean(opts.grid)) usage('give exactly one of --place ID or --grid CODE');
      if (opts.place && !UUID_RE.test(opts.place)) usage(`--place: ${opts.place} is not a place id (a UUID)`);
      if (opts.grid && !/^\d{15}$/.test(opts.grid)) usage(`--grid: ${opts.grid} is not a 15-digit grid code`);
      const rt = await openCliRuntime();
      const progress = createProgress('posters');
      try {
        const { ctx } = rt;
        const ids = opts.place
          ? [opts.place]
          : (
              await ctx.db.selectFrom('places').select('id').where('grid_code', '=', opts.grid!).orderBy('id').execute()
            ).map((r) => r.id);
        if (opts.grid) {
          const grid = await ctx.db.selectFrom('grids').select('code').where('code', '=', opts.grid).executeTakeFirst();
          if (!grid) usage(`--grid: no unit grid ${opts.grid}`);
        }
        mkdirSync(opts.out, { recursive: true });
        const files: string[] = [];
        for (const [i, id] of ids.entries()) {
          const { place, svg } = await placePoster(ctx, null, id);
          const file = path.join(opts.out, `${place.gridCode}-${place.id}.svg`);
          writeFileSync(file, svg);
          files.push(file);
          progress.update('posters', i + 1, ids.length);
        }
        progress.stop();
        const now = ctx.clock.now();
        await ctx.db.transaction().execute((trx) =>
          appendAudit(trx, now, {
            actor: { kind: 'system', id: `cli:${os.userInfo().username}` },
            action: 'place.posters',
            subjectKind: opts.place ? 'place' : 'grid',
            subjectId: opts.place ?? opts.grid!,
            detail: { posters: files.length },
          }),
        );
        process.stdout.write(`${JSON.stringify({ posters: files.length, files }, null, 2)}\n`);
      } catch (err) {
        progress.stop();
        const status = (err as { status?: number }).status;
        if (status === 404) usage((err as Error).message);
        throw err;
      } finally {
        await rt.close();
      }
    });
}
