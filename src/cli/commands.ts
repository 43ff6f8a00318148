import type { Command } from 'commander';

/** Each CLI command lives in its own file and registers itself here (one line each). */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
