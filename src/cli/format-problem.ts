import type { ConfigError } from '../kernel/config/config-error';
import type { BootProblem } from '../kernel/kernel';

/**
 * One line per problem: `CODE [plugin] path: message`; config errors use their error code and path.
 * Everything `config check`, `start` and `plugins ls` report goes through here.
 */
export function formatProblem(problem: BootProblem | { code: ConfigError['code']; plugin?: null; path?: string; message: string }): string {
  const plugin = problem.plugin ? ` [${problem.plugin}]` : '';
  const where = problem.path !== undefined ? ` ${problem.path || '(root)'}:` : '';
  return `${problem.code}${plugin}${where} ${problem.message}`;
}
