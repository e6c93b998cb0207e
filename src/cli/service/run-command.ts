import { execFile } from 'node:child_process';

/** How a command ended. Never throws: a missing program or a failure is an answer too. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `file` with `args` (argv, never a shell), with `env`, for at most `timeoutMs`. */
export function runCommand(file: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>, timeoutMs = 30_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(file, [...args], { env: env as NodeJS.ProcessEnv, timeout: timeoutMs, windowsHide: true, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 127;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (error && typeof (error as { code?: unknown }).code !== 'number' ? error.message : '')) });
    });
  });
}

/** The first non-empty line of a command's error output, for messages. */
export function firstLine(result: CommandResult): string {
  return (result.stderr || result.stdout).split('\n').map((l) => l.trim()).find((l) => l !== '') ?? `exit code ${result.code}`;
}
