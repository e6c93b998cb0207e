import * as pluginApi from '../../src/plugin-api';
import { BUILTIN_EVENTS } from '../../src/plugin-api';
import { readDoc } from './source-files';

// docs/events.md is the catalogue plugin and client authors read; keep it equal to BUILTIN_EVENTS.
function catalogueRows(): Array<{ type: string; token: string }> {
  return [...readDoc('events.md').matchAll(/^\| `([a-z]+\.[a-z.-]+)` \| `([A-Za-z]+)` \|/gm)].map((m) => ({ type: m[1], token: m[2] }));
}

describe('docs/events.md', () => {
  const rows = catalogueRows();

  it('lists every built-in event type, and nothing else', () => {
    expect(rows.map((row) => row.type).sort()).toEqual(BUILTIN_EVENTS.map((event) => event.type).sort());
  });

  it('names the exported token of each event', () => {
    const exported = pluginApi as unknown as Record<string, { type?: string } | undefined>;
    for (const row of rows) expect({ token: row.token, type: exported[row.token]?.type }).toEqual({ token: row.token, type: row.type });
  });
});
