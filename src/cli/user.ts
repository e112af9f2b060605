// `paperboy user create|list`: accounts from the command line, e.g. the first administrator.
import type { Command } from 'commander';
import { InvalidInputError, ConflictError } from '../services/errors.ts';
import type { Container } from '../main/container.ts';
import type { Role } from '../db/repositories/user-repository.ts';

type Open = () => Promise<Container>;

export function registerUserCommand(program: Command, open: Open): void {
  const user = program.command('user').description('manage accounts: create (or promote), list');

  user
    .command('create')
    .description(
      'create an account for EMAIL, or give an existing one the role/handle; running it again changes nothing',
    )
    .argument('<email>', 'the address the person signs in with')
    .option('--admin', 'make the account an administrator')
    .option('--moderator', 'make the account a moderator')
    .option('--handle <handle>', 'the public handle (2-30 of a-z, 0-9, _ and -)')
    .action(async (email: string, options: { admin?: boolean; moderator?: boolean; handle?: string }) => {
      if (options.admin && options.moderator) {
        console.error('paperboy: choose one of --admin and --moderator.');
        process.exitCode = 2;
        return;
      }
      const role: Role | undefined = options.admin ? 'admin' : options.moderator ? 'moderator' : undefined;
      const container = await open();
      try {
        const result = await container.accounts.ensureUser(email, { role, handle: options.handle });
        const who = `${result.user.email} (@${result.user.handle}, ${result.user.role})`;
        if (result.created) console.log(`Created ${who}.`);
        else if (result.changes.length > 0) console.log(`Updated ${who}: ${result.changes.join(', ')}.`);
        else console.log(`Unchanged: ${who} already exists.`);
      } catch (err) {
        if (!(err instanceof InvalidInputError || err instanceof ConflictError)) throw err;
        console.error(`paperboy: ${err.message}`);
        process.exitCode = 2;
      } finally {
        await container.close();
      }
    });

  user
    .command('list')
    .description('list accounts: id, handle, role, email, created, banned')
    .action(async () => {
      const container = await open();
      try {
        const users = await container.accounts.listUsers();
        if (users.length === 0) {
          console.log('No accounts yet. Create one with: paperboy user create --admin EMAIL');
          return;
        }
        const rows = users.map((u) => [
          String(u.id),
          `@${u.handle}`,
          u.role,
          u.email,
          u.createdAt.slice(0, 10),
          u.bannedAt ? `banned ${u.bannedAt.slice(0, 10)}` : '',
        ]);
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
        for (const r of rows)
          console.log(
            r
              .map((c, i) => c.padEnd(widths[i]!))
              .join('  ')
              .trimEnd(),
          );
      } finally {
        await container.close();
      }
    });
}
