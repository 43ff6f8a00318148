import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { openDatabase } from './database/database.ts';
import { migrateToLatest } from './database/migrator.ts';
import { EventBus } from './events/bus.ts';
import { createNatsTransport } from './events/nats-transport.ts';
import { createLogger, type Logger } from './logger.ts';
import { loadSecrets } from './secrets.ts';

export interface Runtime {
  ctx: AppContext;
  close(): Promise<void>;
}

/** Opens the configured database, applies migrations and wires the event bus. */
export async function createRuntime(config: Config, opts: { clock?: Clock; logger?: Logger } = {}): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const handle = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await migrateToLatest(handle.db);
  const transport = config.NATS_URL ? await createNatsTransport(config.NATS_URL) : null;
  const bus = new EventBus(handle.db, logger, transport);
  const ctx: AppContext = {
    db: handle.db,
    dbKind: handle.kind,
    clock: opts.clock ?? systemClock,
    config,
    logger,
    bus,
    secrets: loadSecrets(config.DATA_DIR, config),
  };
  return {
    ctx,
    async close() {
      await bus.stop();
      await handle.close();
    },
  };
}
