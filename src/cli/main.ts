// The `paperboy` command line. Every command reads the same validated configuration.
import { Command } from 'commander';
import { ConfigError, describeVariables, loadConfig } from '../config/config.ts';
import type { Config } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import { createContainer } from '../main/container.ts';
import { registerBackupCommand } from './backup.ts';
import { registerDigestCommand } from './digest.ts';
import { embedOnce } from './embed.ts';
import { registerArxivCommand } from './ingest-arxiv.ts';
import { registerHfCommand } from './ingest-hf.ts';
import { registerOaiCommand } from './ingest-oai.ts';
import { registerPwcCommand } from './ingest-pwc.ts';
import { registerSnapshotCommand } from './ingest-snapshot.ts';
import { createLogger } from './logger.ts';
import { serve } from './serve.ts';
import { registerJobsCommand } from './jobs.ts';
import { runWorker } from './worker.ts';
import { registerUserCommand } from './user.ts';

function config(): Config {
  return loadConfig(process.env);
}

export function buildProgram(): Command {
  const program = new Command('paperboy')
    .description('Open, self-hostable research-paper discovery: daily papers, trending, search.')
    .showHelpAfterError()
    .addHelpText('after', `\nEnvironment variables:\n${describeVariables()}\n`);

  program
    .command('serve', { isDefault: true })
    .description(
      'run the web server and the background jobs (migrates the database; loads demo data into an empty one)',
    )
    .option('--no-jobs', 'web only: leave polling, embeddings and digests to `paperboy worker` processes')
    .action(async (options: { jobs: boolean }) => {
      const cfg = config();
      await serve(cfg, createLogger(cfg.logLevel), { jobs: options.jobs });
    });

  program
    .command('worker')
    .description(
      'run background jobs without the web server: arXiv polling, embeddings, digests (migrates the database)',
    )
    .action(async () => {
      const cfg = config();
      await runWorker(cfg, createLogger(cfg.logLevel));
    });

  registerJobsCommand(program, config);

  program
    .command('seed')
    .description('load demo data into an empty database (a database with papers is never touched)')
    .requiredOption('--demo', 'load the bundled demo papers')
    .action(async () => {
      const container = await createContainer(config());
      try {
        const result = await container.seeder.seedDemo();
        console.log(
          result.seeded
            ? `Loaded ${result.papers} demo papers over ${result.days} days.`
            : `The database already has ${result.existing} papers; left untouched.`,
        );
      } finally {
        await container.close();
      }
    });

  const ingest = program
    .command('ingest')
    .description(
      'bring papers in: arxiv (API), oai (OAI-PMH), snapshot (bulk JSON lines), hf (HF daily papers), pwc (code links)',
    );
  registerArxivCommand(ingest);
  registerOaiCommand(ingest);
  registerSnapshotCommand(ingest);
  registerHfCommand(ingest);
  registerPwcCommand(ingest);

  program
    .command('embed')
    .description('embed the papers that have no vector for the configured model (EMBEDDINGS), once')
    .action(async () => {
      const cfg = config();
      const container = await createContainer(cfg, { logger: createLogger(cfg.logLevel) });
      try {
        process.exitCode = await embedOnce(container);
      } finally {
        await container.close();
      }
    });

  registerUserCommand(program, () => createContainer(config()));

  registerDigestCommand(program);

  registerBackupCommand(program, config);

  program
    .command('migrate')
    .description('apply database migrations and exit')
    .action(async () => {
      // The database alone, not the container: migrations run on every backend, search does not yet.
      const database = await openDatabase(config().database);
      await database.close();
      console.log('Database is up to date.');
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`paperboy: ${err.message}`);
      process.exit(2);
    }
    console.error(`paperboy: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
