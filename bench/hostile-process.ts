/**
 * The hostile neighbour of the "hostile" benchmark scenario (bench/hostile-neighbour-scenario.ts):
 * a separate Node process (its CPU is not the agent's) that sends the agent the worst the protocol
 * allows, while the orchestrator measures keystroke echo in another session. Driven over IPC with
 * the RPC shape of bench/client-process.ts (`{id, cmd, args}` → `{id, ok, result|error}`).
 *
 * Frames are built here from docs/protocol.md (opcode byte + payload), not with the agent's codec:
 * an attacker has no codec either, and this file must not depend on where the codec lives.
 */
import WebSocket from 'ws';
import { agentApi } from './agent-api';
import { sleep, type AgentEndpoint } from './common';
import { serveRpc } from './serve-rpc';

const ATTACH = 0x01;
const INPUT = 0x02;
const RESIZE = 0x03;
const PING = 0x06;
/** The largest ATTACH the agent decodes (docs/protocol.md §8): nested JSON at that cap is the worst decodable frame. */
const ATTACH_CAP = 4096;

interface HostileArgs {
  endpoint: AgentEndpoint;
  /** The hostile client's own session (a shell): resized to 1000×1000, filled, re-attached. */
  sessionId: string;
  /** A file of 1000 coloured lines of 990 cells, `cat` into the 1000×1000 screen. */
  screenFile: string;
  /** Body of the 100 sessions created at once. */
  createBody: Record<string, unknown>;
  /** Pause between two bursts of 100 creates. */
  burstEveryMs: number;
}

interface Stats {
  framesSent: number;
  nestedAttaches: number;
  oversizedAttaches: number;
  randomFrames: number;
  resizes: number;
  reattaches: number;
  snapshots: number;
  snapshotBytes: number;
  errorsReceived: Record<string, number>;
  closes: Record<string, number>;
  reconnects: number;
  creates: number;
  createFailures: Record<string, number>;
  bursts: number;
  /** CPU this process used (ms): the attacker shares the machine with the agent. */
  cpuMs: number;
}

function frame(opcode: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  return Buffer.concat([Buffer.from([opcode]), payload]);
}

function json(opcode: number, value: unknown): Buffer {
  return frame(opcode, Buffer.from(JSON.stringify(value), 'utf8'));
}

function resize(cols: number, rows: number): Buffer {
  const out = Buffer.alloc(5);
  out[0] = RESIZE;
  out.writeUInt16BE(cols, 1);
  out.writeUInt16BE(rows, 3);
  return out;
}

/** `[[[…]]]` filling a frame's payload up to `bytes`. */
function nested(bytes: number): Buffer {
  return frame(ATTACH, Buffer.concat([Buffer.alloc(bytes / 2, '['), Buffer.alloc(bytes / 2, ']')]));
}

const NESTED_AT_CAP = nested(ATTACH_CAP);
const NESTED_1MIB = nested(1024 * 1024 - 8);

let running: { stop(): Promise<Stats> } | null = null;

function start(args: HostileArgs): void {
  const stats: Stats = {
    framesSent: 0, nestedAttaches: 0, oversizedAttaches: 0, randomFrames: 0, resizes: 0, reattaches: 0, snapshots: 0, snapshotBytes: 0,
    errorsReceived: {}, closes: {}, reconnects: 0, creates: 0, createFailures: {}, bursts: 0, cpuMs: 0,
  };
  const cpuAtStart = process.cpuUsage();
  let stopped = false;
  const count = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);

  /** One abusive connection; resolves when it closed (the agent closes it with 4400 soon enough). */
  const connection = (): Promise<void> => new Promise((resolve) => {
    const socket = new WebSocket(args.endpoint.wsUrl, ['tunnelforge.v1'], { headers: { authorization: `Bearer ${args.endpoint.token}` }, perMessageDeflate: false });
    socket.binaryType = 'nodebuffer';
    socket.on('error', () => undefined);
    socket.on('message', (data: Buffer) => {
      if (data[0] === 0x86) {
        try {
          count(stats.errorsReceived, (JSON.parse(data.toString('utf8', 1)) as { code: string }).code);
        } catch {
          count(stats.errorsReceived, 'unparsable');
        }
      } else if (data[0] === 0x83) {
        stats.snapshots++;
        stats.snapshotBytes += data.length;
      }
    });
    socket.on('close', (code) => {
      count(stats.closes, String(code));
      resolve();
    });
    socket.on('open', async () => {
      const send = (data: Buffer) => {
        if (socket.readyState !== WebSocket.OPEN) return false;
        socket.send(data, { binary: true });
        stats.framesSent++;
        return true;
      };
      // Its own session first (writer): the size to 1000×1000, a full screen, then the frames.
      send(json(ATTACH, { sessionId: args.sessionId, cols: 1000, rows: 1000 }));
      for (let round = 0; !stopped && socket.readyState === WebSocket.OPEN; round++) {
        // Resizes to 1000×1000 (and back, so each one is a change), output that fills the screen, a
        // fresh ATTACH that needs a SNAPSHOT of it.
        if (round % 20 === 0) {
          send(resize(round % 40 === 0 ? 999 : 1000, 1000));
          send(frame(INPUT, Buffer.from(`cat '${args.screenFile}'\r`)));
          stats.resizes++;
        }
        if (round % 20 === 10) {
          send(json(ATTACH, { sessionId: args.sessionId }));
          stats.reattaches++;
        }
        // The worst decodable frame: nested JSON at the ATTACH cap; now and then one far over it.
        send(round % 25 === 0 ? NESTED_1MIB : NESTED_AT_CAP);
        if (round % 25 === 0) stats.oversizedAttaches++;
        else stats.nestedAttaches++;
        // Random opcodes with random payloads (0x00-0xff: server opcodes, unknown ones, PINGs...).
        const random = Buffer.alloc(1 + Math.floor(Math.random() * 64));
        for (let i = 0; i < random.length; i++) random[i] = Math.floor(Math.random() * 256);
        if (random[0] !== INPUT) { // a random INPUT would type garbage into its shell
          send(random);
          stats.randomFrames++;
        }
        send(frame(PING, Buffer.from([round & 0xff]))); // PINGs no longer reset the error budget
        // Keep its own send buffer bounded (a real attacker's kernel would, too), and a round per
        // millisecond at most: the attacker runs on the agent's own 2-core machine here, and a
        // spinning loop would measure CPU starvation rather than the agent.
        while (socket.readyState === WebSocket.OPEN && socket.bufferedAmount > 2 * 1024 * 1024) await sleep(1);
        await sleep(1);
      }
      socket.terminate();
    });
  });

  const frames = (async () => {
    while (!stopped) {
      await connection();
      if (!stopped) stats.reconnects++;
    }
  })();

  const creates = (async () => {
    while (!stopped) {
      stats.bursts++;
      const results = await Promise.all(Array.from({ length: 100 }, () => agentApi(args.endpoint, 'POST', '/api/sessions', args.createBody).catch((error: unknown) => ({ status: 0, json: String(error) }))));
      const ids: string[] = [];
      for (const result of results) {
        if (result.status === 201) {
          stats.creates++;
          ids.push((result.json as { id: string }).id);
        } else {
          count(stats.createFailures, `${result.status} ${(result.json as { error?: { code?: string } })?.error?.code ?? ''}`.trim());
        }
      }
      // Kill, then remove (two DELETEs each), all at once too.
      await Promise.all(ids.map(async (id) => {
        for (let i = 0; i < 3; i++) {
          const { status } = await agentApi(args.endpoint, 'DELETE', `/api/sessions/${id}`).catch(() => ({ status: 0 }));
          if (status === 204 || status === 404) return;
        }
      }));
      const until = Date.now() + args.burstEveryMs;
      while (!stopped && Date.now() < until) await sleep(50);
    }
  })();

  running = {
    async stop() {
      stopped = true;
      await Promise.all([frames, creates]);
      const cpu = process.cpuUsage(cpuAtStart);
      stats.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
      return stats;
    },
  };
}

const commands: Record<string, (args: any) => Promise<unknown> | unknown> = {
  init: () => ({ ok: true }), // ClientProcess.start asks every process for it
  start: (args: HostileArgs) => {
    if (running) throw new Error('already running');
    start(args);
    return { ok: true };
  },
  stop: async () => {
    const stats = await running?.stop();
    running = null;
    return stats ?? null;
  },
  exit: async () => {
    await running?.stop();
    setImmediate(() => process.exit(0));
  },
};

serveRpc(commands);

process.on('disconnect', () => process.exit(0));
