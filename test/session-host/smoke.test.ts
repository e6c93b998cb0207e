import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { startTestAgent } from 'tunnelforge/testkit';

it('smoke: a session survives an agent restart', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-host-'));
  const config = { dataDir, plugins: { 'core-sessions': { options: { mode: 'host' as const } } } };
  const a = await startTestAgent({ config });
  const created = await a.as('writer').post('/api/sessions', { command: ['sh', '-c', 'echo hello; sleep 30'] });
  expect(created.status).toBe(201);
  await new Promise((r) => setTimeout(r, 300));
  const before = (await a.as('viewer').get(`/api/sessions/${created.json.id}`)).json;
  console.log('before', before);
  await a.stop();
  const b = await startTestAgent({ config });
  const after = (await b.as('viewer').get(`/api/sessions/${created.json.id}`)).json;
  console.log('after', after, b.logs.filter((l) => /host|adopt/.test(String(l.msg))).map((l) => l.msg));
  const text = await b.as('viewer').get(`/api/sessions/${created.json.id}/text`);
  console.log(text.text.slice(0, 100));
  await b.as('writer').delete(`/api/sessions/${created.json.id}`);
  await b.stop();
}, 30000);
