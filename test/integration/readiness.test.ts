import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import path from 'node:path';
import { request, upgrade } from '../auth/auth-harness';
import { REPO_ROOT, requireBuild, tempProject, type TempProject } from '../config/temp-project';

const BIN = path.join(REPO_ROOT, 'bin/tunnelforge.js');
const PASSWORD = 'readiness-test-password';

// A third-party plugin whose activate and start take a while: it opens a wide window before the
// agent listens (connections refused) and one between listening and ready (503 everywhere).
const SLOW_PLUGIN = `
const { definePlugin } = require('tunnelforge/plugin');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
module.exports = definePlugin({
  id: 'slow-start',
  apiVersion: 1,
  async activate() { await sleep(400); },
  async start() { await sleep(800); },
});
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

type Answer = number | 'refused';
interface Round {
  health: Answer;
  login: Answer;
  page: Answer;
  ws: Answer;
}

async function answer(call: () => Promise<number>): Promise<Answer> {
  try {
    return await call();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return 'refused';
    throw error;
  }
}

/** One round of the four surfaces, sent together. */
async function poll(base: string): Promise<Round> {
  const [health, login, page, ws] = await Promise.all([
    answer(async () => (await request(`${base}/api/health`)).status),
    answer(async () => (await request(`${base}/api/auth/login`, { method: 'POST', body: { password: PASSWORD } })).status),
    answer(async () => (await request(`${base}/`)).status),
    // Without a credential: once ready the endpoint exists and asks for one (401), never 404.
    answer(async () => {
      const result = await upgrade(`${base.replace('http', 'ws')}/ws`, { protocols: ['tunnelforge.v1'] });
      if (result.kind === 'open') {
        result.socket.terminate();
        return 101;
      }
      return result.status;
    }),
  ]);
  return { health, login, page, ws };
}

describe('readiness: no client ever sees a half-built agent (real process, needs npm run build)', () => {
  let project: TempProject;
  let child: ChildProcess | null = null;
  beforeAll(requireBuild);
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    project?.cleanup();
  });

  it('answers 503 or refuses until /api/health says 200; then login, the page and /ws answer at once; never 404', async () => {
    const port = await freePort();
    project = tempProject({
      'tunnelforge.config.json': JSON.stringify({ dataDir: './state', packages: ['tunnelforge-plugin-slow-start'] }),
      'node_modules/tunnelforge-plugin-slow-start/package.json': JSON.stringify({ name: 'tunnelforge-plugin-slow-start', version: '1.0.0', main: 'index.js' }),
      'node_modules/tunnelforge-plugin-slow-start/index.js': SLOW_PLUGIN,
    });
    const base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [BIN, 'start', '--port', String(port)], {
      cwd: project.dir,
      env: { PATH: process.env.PATH, HOME: project.dir, TUNNELFORGE_PASSWORD: PASSWORD },
      stdio: 'ignore',
    });

    const rounds: Round[] = [];
    const deadline = Date.now() + 20_000;
    let readyAt = -1;
    // Poll from before the process listens until two rounds after the first healthy answer.
    while (Date.now() < deadline && (readyAt < 0 || rounds.length < readyAt + 3) && child.exitCode === null) {
      rounds.push(await poll(base));
      if (readyAt < 0 && rounds[rounds.length - 1].health === 200) readyAt = rounds.length - 1;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(readyAt).toBeGreaterThanOrEqual(0);

    // The four requests of a round run concurrently: in the round just before the first healthy
    // answer, health may have been answered a moment before the agent turned ready and the others
    // a moment after. Every round before that one must be entirely "not yet".
    const before = rounds.slice(0, Math.max(0, readyAt - 1));
    // The test saw both windows: before listening, and listening but not ready.
    expect(before.some((round) => round.health === 'refused')).toBe(true);
    expect(before.some((round) => round.health === 503)).toBe(true);
    const outside = (list: Round[], allowed: Answer[]) =>
      list.flatMap((round, i) => Object.entries(round).filter(([, status]) => !allowed.includes(status)).map(([surface, status]) => ({ round: i, surface, status })));
    expect(outside(before, ['refused', 503])).toEqual([]);
    // Around the transition answers are mixed (ready or not, never 404); from the round after the
    // first healthy answer on, everything works.
    expect(outside(rounds.slice(Math.max(0, readyAt - 1), readyAt + 1), [200, 401, 503])).toEqual([]);
    expect(rounds.slice(readyAt + 1)).toEqual(rounds.slice(readyAt + 1).map(() => ({ health: 200, login: 200, page: 200, ws: 401 })));
    expect(rounds.flatMap((round) => Object.values(round))).not.toContain(404);
  });
});
