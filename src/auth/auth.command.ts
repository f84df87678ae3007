import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { createServices, Services } from '../app/services';
import { config, withDefaults } from '../config/config';
import { ALL_PERMISSIONS, ROLES } from './roles';

function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of days');
  return n;
}

async function withServices<T>(fn: (s: Services) => Promise<T>): Promise<T> {
  const s = createServices(config());
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Reads a password piped on stdin (never from the command line, where `ps` would show it). */
function passwordFromStdin(): string {
  return fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

/**
 * `yibiao user add|disable`, `yibiao key add|revoke`, `yibiao token --user NAME` and
 * `yibiao audit purge`: the administration paths that do not go through the API.
 */
export function registerAuthCommands(program: Command, out: (line: string) => void): void {
  const user = program.command('user').description('staff accounts');
  user
    .command('add <name>')
    .description(
      'create a staff account; the password is generated and printed once, or read with --password-stdin',
    )
    .requiredOption('--role <role>', `one of ${ROLES.filter((r) => r !== 'APP').join(', ')}`)
    .requiredOption(
      '--area <codes>',
      'area code(s) whose subtrees the account sees (comma-separated or repeated)',
      list,
    )
    .option('--department <codes>', 'department code(s) whose facts the account sees', list)
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(
      async (
        name: string,
        o: { role: string; area: string[]; department?: string[]; passwordStdin?: boolean },
      ) => {
        const password = o.passwordStdin ? passwordFromStdin() : undefined;
        await withServices(async (s) => {
          const r = await s.auth.createAccount(
            { name, role: o.role, areaCodes: o.area, departmentCodes: o.department, password },
            'cli',
          );
          out(`created account ${r.name} (${r.role})`);
          if (r.generatedPassword) out(`password (shown once): ${r.generatedPassword}`);
        });
      },
    );
  user
    .command('disable <name>')
    .description('disable an account and revoke its refresh tokens')
    .action(async (name: string) => {
      await withServices(async (s) => {
        await s.auth.disableAccount(name);
        out(`disabled account ${name}`);
      });
    });

  const key = program.command('key').description('API keys of third-party applications');
  key
    .command('add <name>')
    .description('create an API key; the key is printed once (only its hash is kept)')
    .requiredOption('--scopes <scopes>', `permissions granted: ${ALL_PERMISSIONS.join(', ')}`, list)
    .requiredOption('--area <codes>', 'area code(s) whose subtrees the key sees', list)
    .option('--department <codes>', 'department code(s) whose facts the key sees', list)
    .option('--expires-in <days>', 'days until the key expires', days, 90)
    .action(
      async (
        name: string,
        o: { scopes: string[]; area: string[]; department?: string[]; expiresIn: number },
      ) => {
        await withServices(async (s) => {
          const r = await s.auth.createApiKey(
            {
              name,
              scopes: o.scopes,
              areaCodes: o.area,
              departmentCodes: o.department,
              expiresInDays: o.expiresIn,
            },
            'cli',
          );
          out(
            `created API key ${r.id} for ${name}, expires ${r.expiresAt.toISOString()}; send it as x-api-key:`,
          );
          out(r.key);
        });
      },
    );
  key
    .command('revoke <id>')
    .description('revoke an API key at once')
    .action(async (id: string) => {
      await withServices(async (s) => {
        await s.auth.revokeApiKey(Number(id));
        out(`revoked API key ${id}`);
      });
    });

  program
    .command('token')
    .description('print an access token for an account (local use); the token is the last line')
    .requiredOption('--user <name>', 'account name')
    .action(async (o: { user: string }) => {
      await withServices(async (s) => {
        const t = await s.auth.issueToken(o.user);
        out(`access token for ${o.user}, valid until ${t.expiresAt.toISOString()}:`);
        out(t.token);
      });
    });

  program
    .command('audit')
    .description('audit log maintenance')
    .command('purge')
    .description(
      'delete audit records older than the retention period (the login must be in yibiao_maintenance)',
    )
    .option('--keep-days <days>', 'keep this many days (at least 180; default AUDIT_RETENTION_DAYS)', days)
    .action(async (o: { keepDays?: number }) => {
      await withServices(async (s) => {
        const keep = o.keepDays ?? withDefaults(config()).AUDIT_RETENTION_DAYS;
        const n = await s.audit.purge(keep);
        out(`deleted ${n} audit records older than ${keep} days`);
      });
    });
}
