// The real `paperboy` program with `ingest snapshot` registered, for tests to run as a child process
// until (and after) src/cli/main.ts wires the ingest commands: what main.ts registers is used as is.
import type { Command } from 'commander';
import { ConfigError } from '../../src/config/config.ts';
import { registerSnapshotCommand } from '../../src/cli/ingest-snapshot.ts';
import { buildProgram } from '../../src/cli/main.ts';

const program: Command = buildProgram();
let ingest = program.commands.find((c) => c.name() === 'ingest');
if (!ingest) ingest = program.command('ingest').description('import papers from a source');
if (!ingest.commands.some((c) => c.name() === 'snapshot')) registerSnapshotCommand(ingest);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`paperboy: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
