import { execFileSync } from 'node:child_process';

/** Makes a FIFO with the system's mkfifo(1) (Node has no call for it); argv, no shell. */
export function mkfifoSync(file: string): void {
  execFileSync('mkfifo', [file]);
}
