import { Command } from 'commander';
import { commands } from './commands.ts';

const program = new Command();
program
  .name('tessera')
  .description('Tessera: outbreak response and community grid management')
  .version('0.1.0')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

// Set before the subcommands are added so they inherit it: usage errors exit 2
// (scripts depend on it: 0 ok, 1 failed check, 2 usage).
program.exitOverride((err) => {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
    process.exit(0);
  process.exit(2);
});

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`tessera: ${(err as Error).message}\n`);
  process.exit(1);
}
