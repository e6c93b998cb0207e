import { HttpError } from '../plugin-api';

/** Terminal sizes accepted anywhere (API, WebSocket, ATTACH). */
const MAX_SIZE = 1000;

/** The errors of the sessions core, as `HttpError`s (status + `TF_ERR_*` code). */
export const SessionErrors = {
  MAX_SIZE,
  notFound: (id: string) => new HttpError(404, 'TF_ERR_SESSION_NOT_FOUND', `no session ${JSON.stringify(id.slice(0, 64))}`),
  exited: (id: string) => new HttpError(409, 'TF_ERR_SESSION_EXITED', `session ${id} has exited`),
  badSize: (cols: unknown, rows: unknown) =>
    new HttpError(400, 'TF_ERR_BAD_SIZE', `size ${String(cols)}x${String(rows)}: cols and rows must be integers 1..${MAX_SIZE}`),
  limit: (max: number) => new HttpError(409, 'TF_ERR_SESSION_LIMIT', `at most ${max} sessions (exited ones count until removed)`),
  badCwd: (cwd: string, why: string) => new HttpError(400, 'TF_ERR_BAD_CWD', `cwd ${JSON.stringify(cwd)} ${why}`),
  commandNotFound: (file: string) => new HttpError(400, 'TF_ERR_COMMAND_NOT_FOUND', `${JSON.stringify(file)} is not an executable file (searched PATH)`),
  spawnFailed: (message: string) => new HttpError(500, 'TF_ERR_SPAWN_FAILED', `could not start the session: ${message}`),
  badKey: (key: unknown) => new HttpError(400, 'TF_ERR_BAD_KEY', `unknown key ${JSON.stringify(String(key)).slice(0, 40)}`),
  badRequest: (message: string, details?: unknown) => new HttpError(400, 'TF_ERR_BAD_REQUEST', message, details),
  forbidden: (message: string) => new HttpError(403, 'TF_ERR_FORBIDDEN', message),
  shuttingDown: () => new HttpError(503, 'TF_ERR_SHUTTING_DOWN', 'the sessions core is shutting down'),
  noRecording: (id: string) => new HttpError(404, 'TF_ERR_NO_RECORDING', `session ${id.slice(0, 64)} has no recording (create it with "record": true)`),
  hostUnavailable: (why: string) => new HttpError(503, 'TF_ERR_HOST_UNAVAILABLE', `the session host is not available: ${why}`),

  /** Whether `cols`×`rows` is an acceptable terminal size. */
  isValidSize(cols: unknown, rows: unknown): cols is number {
    return Number.isInteger(cols) && Number.isInteger(rows) && (cols as number) >= 1 && (rows as number) >= 1
      && (cols as number) <= MAX_SIZE && (rows as number) <= MAX_SIZE;
  },
};
