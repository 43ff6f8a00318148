import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  NATS_URL: z
    .string()
    .regex(/^nats:\/\//, 'must be a nats:// URL')
    .optional(),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** Secret for keyed hashes of national ID numbers; generated into DATA_DIR when absent. */
  ID_HMAC_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  SEED_RESIDENTS: z.coerce.number().int().min(0).max(10_000_000).default(50_000),
  // Accountability: retention per data category (days), the grace after an emergency ends, checkpoints, appeals.
  RETENTION_HEALTH_FACTS_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  RETENTION_STATUSES_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  RETENTION_CASES_CONTACTS_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  RETENTION_INCIDENT_PHOTOS_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  RETENTION_AUDIT_ENTRIES_DAYS: z.coerce.number().int().min(30).max(36500).default(1825),
  RETENTION_AFTER_EMERGENCY_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  APPEAL_DEADLINE_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  /** Scans are kept this many days, then their daily partitions are dropped (contact tracing needs about 2–3 weeks). */
  SCAN_RETENTION_DAYS: z.coerce.number().int().min(1).max(366).default(28),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Validates the environment once at startup; a bad value stops the process with the variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
