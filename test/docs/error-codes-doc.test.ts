import { readFileSync } from 'node:fs';
import { agentSourceFiles, readDoc } from './source-files';

// docs/errors.md is the one list a client or plugin author reads; keep it equal to what the code uses.
function codesInSource(): Set<string> {
  const codes = new Set<string>();
  for (const file of agentSourceFiles()) {
    // Quoted literals only: prose in comments (`TF_ERR_X [plugin] …`) is not a code.
    for (const match of readFileSync(file, 'utf8').matchAll(/['"](TF_ERR_[A-Z0-9_]+)['"]/g)) codes.add(match[1]);
  }
  return codes;
}

function codesInDocTables(): Set<string> {
  return new Set([...readDoc('errors.md').matchAll(/^\| `(TF_ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
}

describe('docs/errors.md', () => {
  const source = codesInSource();
  const documented = codesInDocTables();

  it('finds the codes it checks (the scan itself works)', () => {
    expect(source.size).toBeGreaterThan(40);
    expect(source).toContain('TF_ERR_SESSION_NOT_FOUND');
    expect(source).toContain('TF_ERR_ACTIVATE_TIMEOUT');
  });

  it('lists every code the source uses', () => {
    expect([...source].filter((code) => !documented.has(code)).sort()).toEqual([]);
  });

  it('lists no code the source no longer uses', () => {
    expect([...documented].filter((code) => !source.has(code)).sort()).toEqual([]);
  });
});
