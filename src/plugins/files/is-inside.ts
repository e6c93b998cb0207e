import * as path from 'node:path';

/**
 * Whether `child` is `parent` or below it, by a path-relative test on absolute paths: `path.relative`
 * must not climb (`..`) or jump (another absolute path or drive). Never a string prefix test, which
 * takes `/home/al` for a parent of `/home/alice`.
 */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
