import { ProtocolCodec } from '@tunnelforge/client';
import { BASH, createSessionsHarness } from '../helpers/sessions-harness';
import { TerminalClient } from '../helpers/terminal-client';
import { waitFor } from '../helpers/wait-for';

function payload(size: number, seed: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/';
  let out = '';
  for (let i = 0; i < size; i++) out += alphabet[(i * 13 + seed * 17 + (i >> 7)) % alphabet.length];
  return out;
}

describe('short commands', () => {
  const harness = createSessionsHarness({ maxSessions: 16, exitedRetentionMs: 0 });
  afterAll(() => harness.dispose());

  it('100 of 100 runs of "printf 5 KiB; exit 7" deliver every byte, then EXIT with code 7', async () => {
    const failures: string[] = [];
    const one = async (i: number): Promise<void> => {
      const text = payload(5120, i);
      const info = await harness.manager.create({ command: [...BASH, '-c', 'printf "%s" "$1"; exit 7', 'tf', text], cwd: '/' });
      const connection = harness.connect();
      const client = new TerminalClient(connection);
      harness.send(connection, ProtocolCodec.attach({ sessionId: info.id, offset: 0 }));
      await waitFor(() => client.exit !== null, `exit of run ${i}`);
      const session = harness.manager.get(info.id)!;
      if (client.received.toString() !== text) failures.push(`run ${i}: client got ${client.received.length} bytes`);
      if (session.outputBytes !== 5120) failures.push(`run ${i}: ring holds ${session.outputBytes} bytes`);
      if (client.exit?.exitCode !== 7 || session.exitCode !== 7) failures.push(`run ${i}: exit ${JSON.stringify(client.exit)}`);
      if (client.problems.length > 0) failures.push(`run ${i}: ${client.problems.join(', ')}`);
      client.dispose();
      connection.close();
      await harness.manager.remove(info.id);
    };
    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 10 }, (_, i) => one(batch * 10 + i)));
    expect(failures).toEqual([]);
  });
});
