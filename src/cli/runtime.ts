import { loadConfig, ConfigError } from '../platform/config.ts';
import { createRuntime, type Runtime } from '../platform/bootstrap.ts';
import { createLogger } from '../platform/logger.ts';

/** Opens the configured database for a CLI command; configuration errors end the process with the reason. */
export async function openCliRuntime(logLevel = 'warn'): Promise<Runtime> {
  try {
    const config = loadConfig();
    return await createRuntime(config, {
      logger: createLogger(process.env.LOG_LEVEL ?? logLevel, process.stderr as never),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
