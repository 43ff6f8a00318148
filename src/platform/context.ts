import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database, DatabaseKind } from './database/database.ts';
import type { EventBus } from './events/bus.ts';
import type { Logger } from './logger.ts';
import type { Secrets } from './secrets.ts';

/** Everything a service needs from the outside world, passed in explicitly (no globals). */
export interface AppContext {
  db: Database;
  dbKind: DatabaseKind;
  clock: Clock;
  config: Config;
  logger: Logger;
  bus: EventBus;
  secrets: Secrets;
}
