import type { Command } from 'commander';
import { registerExport } from './export.ts';
import { registerImport } from './import.ts';
import { registerSeed } from './seed.ts';
import { registerServe } from './serve.ts';
import { registerVerify } from './verify.ts';
import { registerPurge } from './purge.ts';
import { registerScenario } from './scenario.ts';
import { registerAudit } from './audit.ts';
import { registerPlaces } from './places.ts';
import { registerSimulate } from './simulate.ts';

/** Each CLI command lives in its own file and registers itself here (one line each). */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerServe,
  registerSeed,
  registerVerify,
  registerPurge,
  registerScenario,
  registerAudit,
  registerImport,
  registerExport,
  registerPlaces,
  registerSimulate,
];
