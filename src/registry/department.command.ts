import { Command, InvalidArgumentError } from 'commander';
import type { Services } from '../app/services';
import { AppError } from '../errors/app-error';

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

/**
 * `yibiao department list` and `yibiao department precedence CODE N`: the source precedence that
 * decides which department's value the ledger shows when two disagree.
 */
export function registerDepartmentCommand(
  program: Command,
  makeServices: () => Services,
  out: (line: string) => void,
  err: (line: string) => void,
): void {
  const department = program
    .command('department')
    .description('departments and the precedence that decides whose value is shown when two disagree');
  const run = async (fn: (s: Services) => Promise<void>) => {
    const s = makeServices();
    try {
      await fn(s);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      err(`错误：${e.message}`);
      process.exitCode = 1;
    } finally {
      await s.close();
    }
  };
  department
    .command('list')
    .description('departments, the one whose values win first')
    .action(() =>
      run(async (s) => {
        for (const d of await s.departments.list())
          out(`${String(d.precedence).padStart(5)}  ${d.code}  ${d.name}`);
      }),
    );
  department
    .command('precedence')
    .description("set a department's precedence (higher wins; running servers follow within a minute)")
    .argument('<code>', 'department code, as `yibiao department list` shows it')
    .argument('<n>', 'the new precedence, a whole number from 0 to 10000', wholeNumber)
    .action((code: string, n: number) =>
      run(async (s) => {
        const { before, after } = await s.departments.setPrecedence(code, n);
        out(`${after.code} ${after.name}: ${before.precedence} → ${after.precedence}`);
      }),
    );
}
