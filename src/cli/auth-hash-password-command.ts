import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_SCRYPT_PARAMS, hashPassword } from '../plugins/auth-password/password-hash';
import type { CliContext } from './cli-context';
import { readPasswords } from './read-password';

function parseCost(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 14 || Number(value) > 20) throw new InvalidArgumentError('expected an integer from 14 to 20 (log2 of scrypt N).');
  return Number(value);
}

/**
 * `tunnelforge auth hash-password`: read a password (hidden prompt on a terminal, else the first
 * line of stdin) and print its scrypt hash for `plugins.auth-password.options.users[].passwordHash`.
 * The password itself is never printed or logged.
 */
export function registerHashPasswordCommand(auth: Command, ctx: CliContext): void {
  auth
    .command('hash-password')
    .description('print the scrypt hash of a password (read from a hidden prompt, or from stdin) for the auth-password config')
    .option('--cost <log2N>', `scrypt cost as log2 of N (default ${Math.log2(DEFAULT_SCRYPT_PARAMS.N)})`, parseCost)
    .action(async (flags: { cost?: number }) => {
      const { io } = ctx;
      const [password, again] = await readPasswords(io.stdin ?? process.stdin, io.stderr, ['Password: ', 'Repeat password: ']);
      if (again !== password) throw new Error('the passwords do not match');
      const params = flags.cost === undefined ? DEFAULT_SCRYPT_PARAMS : { ...DEFAULT_SCRYPT_PARAMS, N: 2 ** flags.cost };
      io.stdout.write(`${await hashPassword(password, params)}\n`);
      ctx.exitCode = 0;
    });
}
