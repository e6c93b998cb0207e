// A desktop client in one file (docs/clients.md): log in, list sessions, create one, attach, type,
// read the screen, ride out a dropped connection by resuming, and exit cleanly. Prints a summary
// line of JSON, with the sha256 of every output byte it received.
//   TUNNELFORGE_URL=http://127.0.0.1:4020 TUNNELFORGE_PASSWORD=… node dist/examples/desktop-client.js [lines]
import { createHash } from 'node:crypto';
import { nodeWebSocket, TunnelForgeClient } from '@tunnelforge/client/node';

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 20_000);
  const client = await TunnelForgeClient.login({
    baseUrl: process.env.TUNNELFORGE_URL ?? 'http://127.0.0.1:4020',
    username: process.env.TUNNELFORGE_USER, // only when the agent has several users
    password: process.env.TUNNELFORGE_PASSWORD ?? '',
    webSocket: nodeWebSocket, // Node 20 has no WebSocket of its own
  });
  const running = await client.sessions.list();
  console.error(`logged in as ${(await client.me()).id}; ${running.length} session(s) already there`);

  // A shell that waits for a number, then prints that many lines: a stream we can check.
  const session = await client.sessions.create({ command: ['sh', '-c', 'read n; seq 1 "$n"'], name: 'desktop-client example' });
  const terminal = client.terminal(session.id, { reconnect: { giveUpAfterMs: 30_000 } });
  const hash = createHash('sha256');
  let bytes = 0;
  terminal.on('output', (data) => {
    hash.update(data); // OUTPUT resumes exactly where it stopped: no gap, no repeat
    bytes += data.length;
  });
  terminal.on('state', (state, detail) => console.error(`connection ${state}${detail ? `: ${detail}` : ''}`));
  terminal.on('attached', (frame, resumed) => resumed && console.error(`resumed at offset ${frame.startOffset}`));
  const exited = new Promise<number | null>((resolve, reject) => {
    terminal.on('exit', (exit) => resolve(exit.exitCode));
    terminal.on('ended', (reason, error) => reject(error ?? new Error(reason)));
  });

  await terminal.connect();
  terminal.input(`${lines}\r`); // typed, as on a keyboard
  const exitCode = await exited;
  const screen = (await client.sessions.text(session.id)).trimEnd().split('\n');

  console.log(JSON.stringify({ exitCode, bytes, sha256: hash.digest('hex'), resumes: terminal.resumes, snapshots: terminal.snapshots, lastLine: screen.at(-1) }));
  terminal.close();
  await client.sessions.kill(session.id); // an exited session: this removes it
  await client.logout();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
