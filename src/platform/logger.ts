import pino, { type Logger } from 'pino';

// Personal data never reaches logs: request bodies are not logged, and known personal
// fields are redacted wherever they appear in structured log objects.
const redactPaths = [
  'name',
  'phone',
  'nationalId',
  'national_id',
  'birthDate',
  'password',
  'token',
  'authorization',
  '*.name',
  '*.phone',
  '*.nationalId',
  '*.password',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { svc: 'tessera' } }, destination);
}

export type { Logger };
