// packages/client/src/http/api-types.ts is generated from the OpenAPI document of a real agent. This
// regenerates it without writing it (the built agent on a free loopback port, as `npm run gen:client`
// does) and fails when the checked-in file no longer matches: a route or schema changed without
// regenerating the client's types.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
const API_TYPES_FILE = path.join(ROOT, 'packages/client/src/http/api-types.ts');

it('the checked-in client API types match the agent\'s OpenAPI document (else: npm run gen:client)', async () => {
  if (!existsSync(path.join(ROOT, 'dist/src/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  const { stdout: generated } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts/generate-client-api.js'), '--stdout'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const checkedIn = readFileSync(API_TYPES_FILE, 'utf8');
  if (generated !== checkedIn) {
    // A short, readable difference rather than 2,000 lines.
    const a = checkedIn.split('\n');
    const b = generated.split('\n');
    const first = a.findIndex((line, i) => line !== b[i]);
    throw new Error(`${path.relative(ROOT, API_TYPES_FILE)} is stale: run \`npm run gen:client\`. First difference at line ${first + 1}:\n- ${a[first]}\n+ ${b[first]}`);
  }
  expect(generated).toContain('"/api/sessions/{id}"');
}, 60_000);
