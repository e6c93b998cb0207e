import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCloudflaredLine } from '../../../plugins/tunnel-cloudflare/src/parse-cloudflared-line';
import { quickTunnelUrl } from '../../../plugins/tunnel-cloudflare/src/quick-tunnel-url';
import { defaultNgrokConfigPath } from '../../../plugins/tunnel-ngrok/src/default-ngrok-config-path';
import { parseLogfmt } from '../../../plugins/tunnel-ngrok/src/parse-logfmt';
import { parseNgrokLine } from '../../../plugins/tunnel-ngrok/src/parse-ngrok-line';
import { pickPublicUrl } from '../../../plugins/tunnel-ngrok/src/pick-public-url';
import { writeWebAddrConfig } from '../../../plugins/tunnel-ngrok/src/write-web-addr-config';

describe('cloudflared output', () => {
  it('takes the quick-tunnel URL from the box line', () => {
    expect(parseCloudflaredLine('2025-01-01T00:00:00Z INF |  https://word-other-thing.trycloudflare.com                                 |')).toEqual({
      kind: 'quick-url',
      url: 'https://word-other-thing.trycloudflare.com',
    });
  });

  it('never takes api.trycloudflare.com, in an error line or elsewhere', () => {
    expect(parseCloudflaredLine('2025-01-01T00:00:00Z ERR failed to request quick Tunnel error="Post \\"https://api.trycloudflare.com/tunnel\\": EOF"').kind).toBe('error');
    expect(parseCloudflaredLine('2025-01-01T00:00:00Z INF using https://api.trycloudflare.com for quick tunnels').kind).toBe('other');
    expect(quickTunnelUrl({ hostname: 'api.trycloudflare.com' })).toBeNull();
  });

  it('reads the metrics address, connection registration and error messages', () => {
    expect(parseCloudflaredLine('2025-01-01T00:00:00Z INF Starting metrics server on 127.0.0.1:43123/metrics')).toEqual({ kind: 'metrics', address: '127.0.0.1:43123' });
    expect(parseCloudflaredLine('2025-01-01T00:00:00Z INF Registered tunnel connection connIndex=0 protocol=quic').kind).toBe('registered');
    expect(parseCloudflaredLine('2025-01-01T00:00:00Z ERR Connection terminated error="x"')).toEqual({ kind: 'error', message: 'Connection terminated error="x"' });
  });

  it('reads /quicktunnel answers strictly', () => {
    expect(quickTunnelUrl({ hostname: 'Some-Words.trycloudflare.com' })).toBe('https://some-words.trycloudflare.com');
    expect(quickTunnelUrl({ hostname: '' })).toBeNull();
    expect(quickTunnelUrl({ hostname: 'evil.example.com' })).toBeNull();
    expect(quickTunnelUrl(null)).toBeNull();
  });
});

describe('ngrok output', () => {
  it('parses logfmt with quoted values and escapes', () => {
    expect(parseLogfmt('t=2025 lvl=info msg="started tunnel" obj=tunnels url=https://a.ngrok-free.app')).toEqual({ t: '2025', lvl: 'info', msg: 'started tunnel', obj: 'tunnels', url: 'https://a.ngrok-free.app' });
    expect(parseLogfmt('err="say \\"hi\\"\\nnext"').err).toBe('say "hi"\nnext');
  });

  it('classifies web address, tunnel URL and errors', () => {
    expect(parseNgrokLine('t=x lvl=info msg="starting web service" obj=web addr=127.0.0.1:4041 allow_hosts=[]')).toEqual({ kind: 'web', address: '127.0.0.1:4041' });
    expect(parseNgrokLine('t=x lvl=info msg="started tunnel" obj=tunnels name=command_line addr=http://localhost:80 url=https://ab.ngrok-free.app')).toEqual({ kind: 'url', url: 'https://ab.ngrok-free.app' });
    expect(parseNgrokLine('t=x lvl=eror msg="failed to reconnect session" err="authentication failed:\\n\\nERR_NGROK_4018\\r\\n"')).toEqual({ kind: 'error', message: 'authentication failed: ERR_NGROK_4018' });
    expect(parseNgrokLine('ERROR:  ')).toEqual({ kind: 'error', message: '' });
    expect(parseNgrokLine('t=x lvl=info msg="client session established"').kind).toBe('other');
  });

  it('prefers the https tunnel of the local API', () => {
    const body = { tunnels: [{ public_url: 'http://x.ngrok.io', proto: 'http' }, { public_url: 'https://x.ngrok.io', proto: 'https' }] };
    expect(pickPublicUrl(body)).toBe('https://x.ngrok.io');
    expect(pickPublicUrl({ tunnels: [{ public_url: 'http://only.ngrok.io', proto: 'http' }] })).toBe('http://only.ngrok.io');
    expect(pickPublicUrl({ tunnels: [], uri: '/api/tunnels' })).toBeNull();
    expect(pickPublicUrl('nonsense')).toBeNull();
  });

  it('writes the web address override in the version of the config it is merged with', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-ngrok-test-'));
    try {
      const v3 = path.join(dir, 'v3.yml');
      writeFileSync(v3, 'version: "3"\nagent:\n  authtoken: x\n');
      const merged = await writeWebAddrConfig(4141, v3);
      expect(merged.files[0]).toBe(v3);
      expect(readFileSync(merged.files[1], 'utf8')).toBe('version: "3"\nagent:\n  web_addr: 127.0.0.1:4141\n');
      merged.dispose();
      const alone = await writeWebAddrConfig(4142, null);
      expect(alone.files).toHaveLength(1);
      expect(readFileSync(alone.files[0], 'utf8')).toBe('version: "2"\nweb_addr: 127.0.0.1:4142\n');
      alone.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('knows ngrok v3 default config locations', () => {
    expect(defaultNgrokConfigPath('linux', {}, '/home/u')).toBe('/home/u/.config/ngrok/ngrok.yml');
    expect(defaultNgrokConfigPath('linux', { XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe('/x/ngrok/ngrok.yml');
    expect(defaultNgrokConfigPath('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/ngrok/ngrok.yml');
    expect(defaultNgrokConfigPath('win32', { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u')).toContain('ngrok');
  });
});
