import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { bearerToken, nodeWebSocket, ProtocolCodec, ProtocolVersionError, TerminalConnection, TunnelForgeClient, TunnelForgeError, type ConnectionState, type EndReason, type WebSocketFactory } from '@tunnelforge/client/node';
import type { TestAgent } from '../../src/testkit';
import { startClientTestAgent, until } from './client-test-agent';

/** `seq 1 N` as the PTY prints it (onlcr: \r\n line ends). */
function seqOutput(n: number): Buffer {
  let text = '';
  for (let i = 1; i <= n; i++) text += `${i}\r\n`;
  return Buffer.from(text);
}

/** Everything a connection reports, in order. */
function record(connection: TerminalConnection) {
  const seen = { states: [] as ConnectionState[], output: [] as Buffer[], snapshots: 0, resized: [] as string[], errors: [] as TunnelForgeError[], exit: null as null | { exitCode: number | null }, ended: null as null | { reason: EndReason; error: TunnelForgeError | null }, attached: [] as boolean[] };
  connection.on('state', (state) => seen.states.push(state));
  connection.on('output', (data) => seen.output.push(Buffer.from(data)));
  connection.on('snapshot', (frame) => {
    seen.snapshots++;
    seen.resized.push(`${frame.cols}x${frame.rows}`);
  });
  connection.on('resized', (cols, rows) => seen.resized.push(`${cols}x${rows}`));
  connection.on('error', (error) => seen.errors.push(error));
  connection.on('exit', (exit) => (seen.exit = exit));
  connection.on('attached', (_frame, resumed) => seen.attached.push(resumed));
  connection.on('ended', (reason, error) => (seen.ended = { reason, error }));
  return { ...seen, get text() { return Buffer.concat(seen.output).toString(); }, get bytes() { return Buffer.concat(seen.output); }, seen };
}

describe('TerminalConnection against a real agent (Node: ws with Authorization)', () => {
  let agent: TestAgent;
  let client: TunnelForgeClient;
  const open: TerminalConnection[] = [];
  const terminal = (sessionId: string, options: Parameters<TunnelForgeClient['terminal']>[1] = {}) => {
    const connection = client.terminal(sessionId, options);
    open.push(connection);
    return connection;
  };

  beforeAll(async () => {
    agent = await startClientTestAgent();
    client = new TunnelForgeClient({ baseUrl: agent.url, credentials: bearerToken(await agent.token('writer')), webSocket: nodeWebSocket });
  });
  afterEach(() => open.splice(0).forEach((connection) => connection.close()));
  afterAll(() => agent.stop());

  it('attaches with a snapshot, types, resizes, pauses and resumes without losing a byte', async () => {
    const session = await client.sessions.create({ command: ['cat'], cols: 80, rows: 24 });
    const connection = terminal(session.id, { size: () => ({ cols: 100, rows: 30 }) });
    const r = record(connection);
    const attached = await connection.connect();
    expect(attached).toMatchObject({ type: 'attached', protocol: 1, role: 'writer', session: { id: session.id } });
    expect(r.seen.states).toEqual(['connecting', 'attached']);
    expect(connection.state).toBe('attached');
    await until(() => r.seen.snapshots === 1, 'the snapshot');
    expect(r.seen.resized).toEqual(['100x30']); // a writer's ATTACH size applies before the snapshot

    expect(connection.input('hello\r')).toBe(6);
    await until(() => r.text.includes('hello\r\nhello\r\n'), 'the echo and cat\'s copy');
    connection.resize(90, 20);
    await until(() => r.seen.resized.includes('90x20'), 'RESIZED');
    expect((await client.sessions.get(session.id)).cols).toBe(90);

    connection.pause();
    const before = connection.outputBytes;
    await client.sessions.input(session.id, { text: 'while-paused\r' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connection.outputBytes).toBe(before); // nothing while paused
    connection.resume();
    await until(() => r.text.includes('while-paused\r\nwhile-paused\r\n'), 'the output held back while paused');
    expect(r.seen.snapshots).toBe(1);
    expect(await connection.ping()).toBeGreaterThanOrEqual(0);
  });

  it('resumes from the last offset after a drop mid-output: no gap, no duplicate', async () => {
    const n = 60_000;
    const session = await client.sessions.create({ command: ['sh', '-c', `sleep 0.3; seq 1 ${n}`] });
    const connection = terminal(session.id, { reconnect: { initialDelayMs: 50 } });
    const r = record(connection);
    await connection.connect();
    await until(() => connection.outputBytes > 64 * 1024, 'output to start', 20_000);
    connection.drop(); // as a network loss would: no close handshake
    await until(() => r.seen.exit !== null, 'EXIT', 30_000);
    expect(r.seen.states).toContain('reconnecting');
    expect(connection.resumes).toBeGreaterThanOrEqual(1);
    expect(r.seen.attached).toEqual([false, ...r.seen.attached.slice(1).map(() => true)]);
    expect(r.seen.snapshots).toBe(1); // the first attach only: a resume needs no snapshot
    const expected = seqOutput(n);
    expect(r.bytes.length).toBe(expected.length);
    expect(createHash('sha256').update(r.bytes).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(connection.nextOffset).toBe((await client.sessions.get(session.id)).outputBytes);
  });

  it('surfaces ERROR frames as TunnelForgeError events, and the connection goes on', async () => {
    const session = await client.sessions.create({ command: ['cat'] });
    const viewer = new TunnelForgeClient({ baseUrl: agent.url, credentials: bearerToken(await agent.token('viewer')), webSocket: nodeWebSocket });
    const connection = viewer.terminal(session.id);
    open.push(connection);
    const r = record(connection);
    expect((await connection.connect()).role).toBe('viewer');
    connection.input('x');
    await until(() => r.seen.errors.length === 1, 'the refusal');
    expect(r.seen.errors[0]).toBeInstanceOf(TunnelForgeError);
    expect(r.seen.errors[0]).toMatchObject({ code: 'TF_ERR_FORBIDDEN', status: null });
    expect(connection.state).toBe('attached');
  });

  it('authenticates with a single-use ticket where headers cannot be sent (as in a browser)', async () => {
    const session = await client.sessions.create({ command: ['cat'] });
    const headers: Array<Record<string, string>> = [];
    const protocols: string[][] = [];
    const browserLike: WebSocketFactory = {
      canSendHeaders: false,
      open(url, offered, sent) {
        headers.push(sent);
        protocols.push(offered);
        return nodeWebSocket.open(url, offered, {});
      },
    };
    const browser = new TunnelForgeClient({ baseUrl: agent.url, credentials: client.credentials, webSocket: browserLike });
    const connection = browser.terminal(session.id, { reconnect: { initialDelayMs: 20 } });
    open.push(connection);
    await connection.connect();
    connection.drop();
    await until(() => connection.resumes === 1, 'the resume on a second ticket');
    expect(headers).toEqual([{}, {}]);
    expect(protocols.map((p) => p[0])).toEqual(['tunnelforge.v1', 'tunnelforge.v1']);
    expect(protocols[0][1]).toMatch(/^tunnelforge\.ticket\./);
    expect(protocols[1][1]).not.toBe(protocols[0][1]); // a fresh ticket for each connect
  });

  it('ends for good when the session is removed (4404), and says so', async () => {
    const session = await client.sessions.create({ command: ['cat'] });
    const connection = terminal(session.id);
    const r = record(connection);
    await connection.connect();
    await client.sessions.kill(session.id);
    await client.sessions.kill(session.id); // exited: now removed
    await until(() => r.seen.ended !== null, 'the end');
    expect(r.seen.ended).toMatchObject({ reason: 'session-gone', error: { code: 'TF_ERR_SESSION_NOT_FOUND' } });
    expect(connection.state).toBe('ended');
  });

  it('rejects connect() for a session that does not exist', async () => {
    const connection = terminal('no-such-session');
    await expect(connection.connect()).rejects.toMatchObject({ code: 'TF_ERR_SESSION_NOT_FOUND' });
    expect(connection.state).toBe('ended');
  });

  it('ends at once, with the agent\'s error, when the upgrade refuses the credential', async () => {
    const session = await client.sessions.create({ command: ['cat'] });
    const stranger = new TunnelForgeClient({ baseUrl: agent.url, credentials: bearerToken('tft_not-a-real-token'), webSocket: nodeWebSocket });
    const connection = stranger.terminal(session.id);
    open.push(connection);
    const r = record(connection);
    const refused = await connection.connect().then(() => null, (error: unknown) => error);
    expect(refused).toBeInstanceOf(TunnelForgeError);
    expect(refused).toMatchObject({ status: 401, code: expect.stringMatching(/^TF_ERR_/) });
    expect(r.seen.ended).toMatchObject({ reason: 'unauthorized' });
    expect(r.seen.states).toEqual(['connecting', 'ended']); // no reconnect: a refused credential will not get better
  });

  it('gives up reconnecting after giveUpAfterMs and says why', async () => {
    // A port that refuses connections: where an agent was.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const connection = new TerminalConnection({ url: `ws://127.0.0.1:${port}/ws`, sessionId: 'x', webSocket: nodeWebSocket, authenticate: async () => ({}), reconnect: { initialDelayMs: 50, giveUpAfterMs: 600 } });
    open.push(connection);
    const r = record(connection);
    const started = Date.now();
    await expect(connection.connect()).rejects.toMatchObject({ code: 'TF_ERR_RECONNECT_GAVE_UP', message: expect.stringMatching(/^gave up reconnecting after \d+ s: connection lost \(1006/) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.seen.ended).toMatchObject({ reason: 'gave-up' });
    expect(r.seen.states.filter((s) => s === 'reconnecting').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an agent that speaks another protocol version, with a clear message', async () => {
    // A real WebSocket server answering ATTACH as a future agent would.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (offered) => [...offered][0] ?? false });
    await once(server, 'listening');
    server.on('connection', (socket) => socket.on('message', () => {
      const frame = ProtocolCodec.attached({} as never, 'admin', 0);
      const json = JSON.parse(Buffer.from(frame.subarray(1)).toString());
      socket.send(Buffer.concat([Buffer.from([0x81]), Buffer.from(JSON.stringify({ ...json, protocol: 2 }))]));
    }));
    try {
      const { port } = server.address() as AddressInfo;
      const connection = new TerminalConnection({ url: `ws://127.0.0.1:${port}/ws`, sessionId: 'x', webSocket: nodeWebSocket, authenticate: async () => ({}) });
      open.push(connection);
      const r = record(connection);
      const refused = connection.connect();
      await expect(refused).rejects.toBeInstanceOf(ProtocolVersionError);
      await expect(refused).rejects.toThrow('the agent speaks protocol v2, this client v1');
      expect(r.seen.ended).toMatchObject({ reason: 'protocol-mismatch', error: { code: 'TF_ERR_PROTOCOL_VERSION', serverVersion: 2, clientVersion: 1 } });
      expect(r.seen.states).not.toContain('attached');
    } finally {
      for (const socket of server.clients) socket.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
