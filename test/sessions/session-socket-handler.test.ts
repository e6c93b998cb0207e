import { Opcode, ProtocolCodec } from '@tunnelforge/client';
import { BASH, createSessionsHarness } from '../helpers/sessions-harness';
import { TerminalClient } from '../helpers/terminal-client';
import { waitFor } from '../helpers/wait-for';
import type { MemoryWsConnection } from '../helpers/memory-ws-connection';

describe('SessionSocketHandler (protocol v1)', () => {
  const h = createSessionsHarness({ exitedRetentionMs: 0, maxProtocolErrors: 50 });
  let sessionId: string;
  const clients: TerminalClient[] = [];

  beforeAll(async () => {
    sessionId = (await h.manager.create({ command: ['/bin/cat'], cwd: '/' })).id;
  });
  afterAll(async () => {
    for (const client of clients) client.dispose();
    await h.dispose();
  });

  function open(principal?: MemoryWsConnection['principal']): TerminalClient {
    const client = new TerminalClient(h.connect(principal));
    clients.push(client);
    return client;
  }

  const lastError = (client: TerminalClient) => client.connection.ofType('error').at(-1);

  /** Send a frame and expect exactly one ERROR answer with `code`. */
  function expectError(client: TerminalClient, frame: Uint8Array, code: string): void {
    const before = client.connection.ofType('error').length;
    h.send(client.connection, frame);
    expect(client.connection.ofType('error').length).toBe(before + 1);
    expect(lastError(client)?.code).toBe(code);
    expect(client.connection.closed).toBe(false);
  }

  it('answers every malformed frame with an ERROR and keeps the connection usable', async () => {
    const c = open();
    expectError(c, Buffer.from([0x42]), 'TF_ERR_UNKNOWN_OPCODE');
    expectError(c, Buffer.alloc(0), 'TF_ERR_BAD_FRAME');
    expectError(c, Buffer.from([Opcode.ATTACH, 0x7b]), 'TF_ERR_BAD_FRAME');
    expectError(c, ProtocolCodec.attach({ sessionId: '' }), 'TF_ERR_BAD_REQUEST');
    expectError(c, Buffer.from([Opcode.RESIZE, 0, 80]), 'TF_ERR_BAD_FRAME');
    expectError(c, ProtocolCodec.input('ls\r'), 'TF_ERR_NOT_ATTACHED');
    expectError(c, ProtocolCodec.resize(80, 24), 'TF_ERR_NOT_ATTACHED');
    expectError(c, ProtocolCodec.control(Opcode.PAUSE), 'TF_ERR_NOT_ATTACHED');
    expectError(c, ProtocolCodec.attach({ sessionId: 'no-such-session' }), 'TF_ERR_SESSION_NOT_FOUND');
    expectError(c, ProtocolCodec.attach({ sessionId: '6f1c8a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f' }), 'TF_ERR_SESSION_NOT_FOUND');
    expectError(c, ProtocolCodec.attach({ sessionId, offset: 10_000_000 }), 'TF_ERR_BAD_OFFSET');
    expectError(c, ProtocolCodec.attach({ sessionId, cols: 0, rows: 0 }), 'TF_ERR_BAD_SIZE');
    h.handler.message(c.connection, Buffer.from(ProtocolCodec.input('x')), false);
    expect(lastError(c)?.code).toBe('TF_ERR_BAD_FRAME');

    // Still works: PING, ATTACH, INPUT round trip.
    h.send(c.connection, ProtocolCodec.ping(Buffer.from('hello')));
    expect(c.connection.ofType('pong').at(-1)?.payload.toString()).toBe('hello');
    h.send(c.connection, ProtocolCodec.attach({ sessionId }));
    await waitFor(() => c.connection.ofType('attached').length === 1, 'ATTACHED');
    h.send(c.connection, ProtocolCodec.input('still-alive\r'));
    await waitFor(() => c.received.toString().includes('still-alive'), 'echo');
  });

  it('refuses bad sizes on RESIZE: 0x0 and 100000x100000 (u16 max too)', async () => {
    const c = open();
    h.send(c.connection, ProtocolCodec.attach({ sessionId }));
    await waitFor(() => c.connection.ofType('attached').length === 1, 'ATTACHED');
    expectError(c, ProtocolCodec.resize(0, 0), 'TF_ERR_BAD_SIZE');
    expectError(c, Buffer.from([Opcode.RESIZE, 0xff, 0xff, 0xff, 0xff]), 'TF_ERR_BAD_SIZE');
    expectError(c, ProtocolCodec.attach({ sessionId, cols: 100_000, rows: 100_000 }), 'TF_ERR_BAD_SIZE');
    h.send(c.connection, ProtocolCodec.resize(100, 30));
    await waitFor(() => c.connection.ofType('resized').some((m) => m.cols === 100 && m.rows === 30), 'RESIZED 100x30');
    expect(h.manager.get(sessionId)).toMatchObject({ cols: 100, rows: 30 });
  });

  it('refuses INPUT and RESIZE from a viewer but lets it watch', async () => {
    const writer = open();
    const viewer = open({ id: 'guest', role: 'viewer', via: 'test' });
    h.send(writer.connection, ProtocolCodec.attach({ sessionId }));
    h.send(viewer.connection, ProtocolCodec.attach({ sessionId, cols: 20, rows: 5 }));
    await waitFor(() => viewer.connection.ofType('attached').length === 1 && writer.connection.ofType('attached').length === 1, 'attached');
    expect(viewer.connection.ofType('attached')[0].role).toBe('viewer');
    expect(h.manager.get(sessionId)!.cols).not.toBe(20); // a viewer's ATTACH size is not applied
    expectError(viewer, ProtocolCodec.input('rm -rf /\r'), 'TF_ERR_FORBIDDEN');
    expectError(viewer, ProtocolCodec.resize(10, 10), 'TF_ERR_FORBIDDEN');
    h.send(writer.connection, ProtocolCodec.input('from-the-writer\r'));
    await waitFor(() => viewer.received.toString().includes('from-the-writer'), 'viewer sees the writer');
    expect(viewer.received.toString()).not.toContain('rm -rf');
  });

  it('keeps a session-bound principal to its session', async () => {
    const other = await h.manager.create({ command: [...BASH], cwd: '/' });
    const bound = open({ id: 'link', role: 'viewer', via: 'test', sessionId });
    expectError(bound, ProtocolCodec.attach({ sessionId: other.id }), 'TF_ERR_SESSION_NOT_FOUND');
    h.send(bound.connection, ProtocolCodec.attach({ sessionId }));
    await waitFor(() => bound.connection.ofType('attached').length === 1, 'ATTACHED to its own session');
    await h.manager.remove(other.id);
  });

  it('closes with 4400 after too many protocol errors in a row; a good frame resets the count', () => {
    const c = open();
    for (let i = 0; i < 49; i++) h.send(c.connection, Buffer.from([0x99]));
    h.send(c.connection, ProtocolCodec.ping());
    for (let i = 0; i < 49; i++) h.send(c.connection, Buffer.from([0x99]));
    expect(c.connection.closed).toBe(false);
    h.send(c.connection, Buffer.from([0x99]));
    expect(c.connection.closed).toBe(true);
    expect(c.connection.closeCode).toBe(4400);
  });

  it('DETACH stops the stream; ATTACH again resumes from an offset', async () => {
    const c = open();
    h.send(c.connection, ProtocolCodec.attach({ sessionId }));
    await waitFor(() => c.connection.ofType('attached').length === 1, 'ATTACHED');
    h.send(c.connection, ProtocolCodec.input('before-detach\r'));
    await waitFor(() => c.received.toString().includes('before-detach'), 'echo');
    const offset = c.nextOffset!;
    const clients = h.manager.get(sessionId)!.clients;
    h.send(c.connection, ProtocolCodec.control(Opcode.DETACH));
    expect(h.manager.get(sessionId)!.clients).toBe(clients - 1);
    h.manager.write(sessionId, 'while-detached\r');
    await waitFor(() => h.manager.session(sessionId)!.ring.read(offset)!.toString().includes('while-detached'), 'ring');
    expect(c.received.toString()).not.toContain('while-detached');
    h.send(c.connection, ProtocolCodec.attach({ sessionId, offset }));
    await waitFor(() => c.received.toString().includes('while-detached'), 'resumed');
    expect(c.problems).toEqual([]);
    expect(c.snapshots).toBe(1); // the first ATTACH (no offset) only
  });

  it('publishes session.attached / session.detached and counts clients', async () => {
    const seen: string[] = [];
    const subscription = h.events.subscribe('session.*', (event) => seen.push(event.type));
    const before = h.manager.get(sessionId)!.clients;
    const c = open();
    h.send(c.connection, ProtocolCodec.attach({ sessionId }));
    expect(h.manager.get(sessionId)!.clients).toBe(before + 1);
    c.connection.close();
    expect(h.manager.get(sessionId)!.clients).toBe(before);
    expect(seen).toEqual(['session.attached', 'session.detached']);
    subscription.dispose();
  });

  it('sends the remaining output and then EXIT to an attached client when the process ends', async () => {
    const info = await h.manager.create({ command: [...BASH, '-c', 'read -r _; printf "bye\\r\\n"; exit 42'], cwd: '/' });
    const c = open();
    h.send(c.connection, ProtocolCodec.attach({ sessionId: info.id, offset: 0 }));
    h.send(c.connection, ProtocolCodec.input('\r'));
    await waitFor(() => c.exit !== null, 'EXIT');
    expect(c.exit).toEqual({ exitCode: 42, signal: null });
    expect(c.received.toString()).toContain('bye');
    const kinds = c.connection.messages.map((m) => m.type);
    expect(kinds.at(-1)).toBe('exit');
    expectError(c, ProtocolCodec.input('x'), 'TF_ERR_SESSION_EXITED');
    expectError(c, ProtocolCodec.resize(50, 20), 'TF_ERR_SESSION_EXITED');
    // A client attaching after the exit gets the screen, then EXIT.
    const late = open();
    h.send(late.connection, ProtocolCodec.attach({ sessionId: info.id }));
    await waitFor(() => late.exit !== null, 'late EXIT');
    expect(late.connection.messages.map((m) => m.type)).toEqual(['attached', 'snapshot', 'exit']);
    expect((await late.screen()).join('\n')).toContain('bye');
    await h.manager.remove(info.id);
  });
});
