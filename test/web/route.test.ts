import { canSee, NAV_ENTRIES } from '../../src/web/app-nav';
import { parseRoute } from '../../src/web/route';

describe('page routes and sections', () => {
  it('reads the list, a session and each panel from the fragment; anything else is the list', () => {
    expect(parseRoute('')).toEqual({ view: 'list' });
    expect(parseRoute('#/')).toEqual({ view: 'list' });
    expect(parseRoute('#/session/a%2Fb')).toEqual({ view: 'session', sessionId: 'a/b' });
    expect(parseRoute('#/session/%E0%A4%A')).toEqual({ view: 'list' });
    for (const panel of ['remote', 'power', 'monitor', 'sharing', 'tokens', 'plugins']) expect(parseRoute(`#/${panel}`)).toEqual({ view: 'panel', panel });
    expect(parseRoute('#/settingsx')).toEqual({ view: 'list' });
    expect(parseRoute('#/constructor')).toEqual({ view: 'list' });
  });

  it('each role sees the sections whose routes it may call: sharing from writer, tokens and plugins for admins', () => {
    const visible = (role: 'viewer' | 'writer' | 'admin') => NAV_ENTRIES.filter((entry) => canSee(role, entry)).map((entry) => entry.key);
    expect(visible('viewer')).toEqual(['list', 'remote', 'power', 'monitor']);
    expect(visible('writer')).toEqual(['list', 'remote', 'power', 'monitor', 'sharing']);
    expect(visible('admin')).toEqual(['list', 'remote', 'power', 'monitor', 'sharing', 'tokens', 'plugins', 'settings']);
  });
});
