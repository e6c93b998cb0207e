import { startTestAgent } from '../src/testkit';
test('dbg', async () => {
  const agent = await startTestAgent({});
  const s = (await agent.as('writer').post('/api/sessions', { command: ['bash', '--norc', '--noprofile'], name: 'x', env: { PS1: '$ ', PS0: '\\e]133;C\\a', PROMPT_COMMAND: 'printf "\\e]133;D;%s\\a\\e]133;A\\a" $?' } })).json;
  await new Promise((r) => setTimeout(r, 500));
  await agent.as('writer').post(`/api/sessions/${s.id}/input`, { text: 'sleep 2; false\r' });
  await new Promise((r) => setTimeout(r, 4000));
  const info = (await agent.as('writer').get(`/api/sessions/${s.id}`)).json;
  const text = (await agent.as('writer').get(`/api/sessions/${s.id}/text`)).json;
  console.log(JSON.stringify(info), JSON.stringify(text).slice(0, 500));
  await agent.stop();
}, 20000);
