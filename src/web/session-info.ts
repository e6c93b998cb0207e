/** A session as the HTTP API and ATTACHED describe it (docs/protocol.md §3). */
export interface SessionInfo {
  id: string;
  name: string;
  command: string[];
  cwd: string;
  pid: number | null;
  state: 'running' | 'exited';
  exitCode: number | null;
  signal: string | null;
  cols: number;
  rows: number;
  createdAt: string;
  exitedAt: string | null;
  clients: number;
  outputBytes: number;
}
