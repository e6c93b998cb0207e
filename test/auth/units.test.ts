import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuthStateStore } from '../../src/plugins/auth-jwt/auth-state-store';
import { parseRefreshToken } from '../../src/plugins/auth-jwt/refresh-token';
import { clientKey } from '../../src/plugins/auth-password/client-key';
import { ConcurrencyLimiter } from '../../src/plugins/auth-password/concurrency-limiter';
import { LoginThrottle } from '../../src/plugins/auth-password/login-throttle';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../src/plugins/auth-password/password-hash';
import { parseApiToken } from '../../src/plugins/auth-token/api-token-format';
import { ensureSecretFile } from '../../src/plugins/shared/ensure-secret-file';
import { parseDuration } from '../../src/plugins/shared/parse-duration';
import { sessionScopeAllows } from '../../src/plugins/shared/session-scope-allows';
import { checkHttpOrigin } from '../../src/transport/origin-policy';
import { chooseSubprotocol } from '../../src/transport/ws-dispatcher';

describe('transport pieces', () => {
  test('chooseSubprotocol confirms the first offered protocol that is not a credential', () => {
    expect(chooseSubprotocol('tunnelforge.v1, tunnelforge.ticket.abc')).toBe('tunnelforge.v1');
    expect(chooseSubprotocol('tunnelforge.bearer.eyJx.y.z, tunnelforge.v1')).toBe('tunnelforge.v1');
    expect(chooseSubprotocol('tunnelforge.ticket.abc')).toBe('');
    expect(chooseSubprotocol(undefined)).toBe('');
  });

  test('checkHttpOrigin: no Origin passes; own, listed and (with trustProxy) forwarded origins pass; foreign and null do not', () => {
    const host = { host: '127.0.0.1:4020' };
    expect(checkHttpOrigin(host, [], false).ok).toBe(true);
    expect(checkHttpOrigin({ ...host, origin: 'http://127.0.0.1:4020' }, [], false).ok).toBe(true);
    expect(checkHttpOrigin({ ...host, origin: 'http://localhost:5173' }, ['http://localhost:5173'], false).ok).toBe(true);
    expect(checkHttpOrigin({ ...host, origin: 'https://evil.example' }, [], false).ok).toBe(false);
    expect(checkHttpOrigin({ ...host, origin: 'null' }, ['null'], false).ok).toBe(false);
    const tunnel = { host: 'x.example', origin: 'https://x.example', 'x-forwarded-proto': 'https' };
    expect(checkHttpOrigin(tunnel, [], false).ok).toBe(false);
    expect(checkHttpOrigin(tunnel, [], true).ok).toBe(true);
  });
});

describe('password hashes', () => {
  test('format scrypt$N$r$p$salt$hash; plain text and unsafe parameters are refused', async () => {
    const hash = await hashPassword('pw', { N: 2 ** 14, r: 8, p: 1 });
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('pw', parsePasswordHash(hash)!)).toBe(true);
    expect(await verifyPassword('pW', parsePasswordHash(hash)!)).toBe(false);
    expect(parsePasswordHash('hunter2')).toBeNull();
    expect(parsePasswordHash(hash.replace('$16384$', '$16000$'))).toBeNull(); // N not a power of two
    expect(parsePasswordHash(hash.replace('$16384$', '$67108864$'))).toBeNull(); // too much memory
    expect(parsePasswordHash(hash.replace('$8$1$', '$64$1$'))).toBeNull();
  });
});

describe('login throttle', () => {
  const options = { freeAttempts: 3, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000, maxAddresses: 100 };

  test('free attempts, then a lockout that doubles up to the cap; success resets; other keys unaffected', () => {
    let now = 0;
    const throttle = new LoginThrottle(options, () => now);
    const fail = (key = 'a') => {
      const verdict = throttle.begin(key);
      if (!verdict.ok) return verdict.retryAfterMs;
      verdict.done('failure');
      return 0;
    };
    expect([fail(), fail(), fail()]).toEqual([0, 0, 0]); // the third failure starts a 1 s lockout
    expect(fail()).toBe(1000);
    now += 1000;
    expect(fail()).toBe(0);
    expect(fail()).toBe(2000);
    now += 2000;
    fail();
    now += 4000;
    fail();
    now += 8000;
    fail();
    expect(fail()).toBe(8000); // capped
    expect(fail('b')).toBe(0);
    now += 8000;
    const verdict = throttle.begin('a');
    expect(verdict.ok).toBe(true);
    if (verdict.ok) verdict.done('success');
    expect(throttle.size).toBe(1); // 'a' forgotten after success
  });

  test('parallel attempts cannot slip past the allowance; ignored attempts cost nothing', () => {
    const throttle = new LoginThrottle(options, () => 0);
    const held = [throttle.begin('a'), throttle.begin('a'), throttle.begin('a')];
    expect(held.every((v) => v.ok)).toBe(true);
    expect(throttle.begin('a')).toEqual({ ok: false, retryAfterMs: 1000 });
    for (const v of held) if (v.ok) v.done('ignored');
    expect(throttle.begin('a').ok).toBe(true);
  });

  test('memory is bounded: the least recently seen idle address goes first', () => {
    const throttle = new LoginThrottle({ ...options, maxAddresses: 10 }, () => 0);
    for (let i = 0; i < 1000; i++) {
      const verdict = throttle.begin(`10.0.${i >> 8}.${i & 255}`);
      if (verdict.ok) verdict.done('failure');
    }
    expect(throttle.size).toBe(10);
  });

  test('clientKey: IPv4 as is, IPv4-mapped unwrapped, IPv6 by /64', () => {
    expect(clientKey('127.0.0.2')).toBe('127.0.0.2');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::ffff')).toBe(clientKey('2001:0db8:0001:0002:1:2:3:4'));
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });

  test('ConcurrencyLimiter runs a bounded number at once and refuses past the queue', async () => {
    const limiter = new ConcurrencyLimiter(2, 1);
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const task = () => new Promise<void>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      releases.push(() => {
        running--;
        resolve();
      });
    });
    let finished = 0;
    const runs = [limiter.tryRun(task), limiter.tryRun(task), limiter.tryRun(task)];
    expect(runs.every((r) => r !== null)).toBe(true);
    expect(limiter.tryRun(task)).toBeNull();
    for (const run of runs) void run!.then(() => finished++);
    while (finished < 3) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    expect(peak).toBe(2);
    expect(limiter.tryRun(task)).not.toBeNull(); // room again
    await new Promise((resolve) => setImmediate(resolve));
    releases.shift()?.();
  });
});

describe('token formats and scopes', () => {
  test('parse refresh tokens, API tokens and durations strictly', () => {
    expect(parseRefreshToken(`tfr_${'a'.repeat(32)}_${'B'.repeat(43)}`)).toEqual({ familyId: 'a'.repeat(32), secret: 'B'.repeat(43) });
    expect(parseRefreshToken('tfr_x')).toBeNull();
    expect(parseRefreshToken(42)).toBeNull();
    expect(parseApiToken(`tft_${'0'.repeat(12)}_${'_'.repeat(43)}`)).toEqual({ id: '0'.repeat(12), secret: '_'.repeat(43) });
    expect(parseApiToken('tft_abc_def')).toBeNull();
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    for (const bad of ['30', '0d', '-1d', '1y', '4000w', 'forever']) expect({ bad, ms: parseDuration(bad) }).toEqual({ bad, ms: null });
  });

  test('a session-bound credential reaches its session routes, the filtered list and stream, /ws and its auth routes only', () => {
    for (const p of ['/api/sessions', '/api/sessions/s1', '/api/sessions/s1/text', '/api/sessions/s1/input', '/api/events', '/ws', '/api/auth/me', '/api/auth/ws-ticket']) expect({ p, ok: sessionScopeAllows(p, 's1') }).toEqual({ p, ok: true });
    for (const p of ['/api/sessions/s2', '/api/sessions/s10', '/api/info', '/api/monitor', '/api/tokens', '/metrics', '/api/sessions/%E0']) expect({ p, ok: sessionScopeAllows(p, 's1') }).toEqual({ p, ok: false });
  });
});

describe('state files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tf-auth-units-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a corrupt auth-state.json is an error, never a silent reset (that would un-revoke tokens)', async () => {
    const file = path.join(dir, 'auth-state.json');
    writeFileSync(file, '{"version":1,"revoked":{');
    await expect(new AuthStateStore(file, () => 0, 1000).load()).rejects.toThrow(/not valid JSON/);
    writeFileSync(file, '{"version":1,"revoked":{"not-an-id":1},"families":{},"shares":{}}');
    await expect(new AuthStateStore(file, () => 0, 1000).load()).rejects.toThrow(/unexpected shape/);
    // A `__proto__` key is dropped, never assigned as a prototype.
    writeFileSync(file, '{"version":1,"revoked":{"__proto__":{"polluted":1}},"families":{},"shares":{}}');
    const store = new AuthStateStore(file, () => 0, 1000);
    await store.load();
    expect(Object.getPrototypeOf(store.current.revoked)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('the store writes atomically with mode 0600 and prunes what has expired', async () => {
    const file = path.join(dir, 'auth-state.json');
    let now = 1000;
    const store = new AuthStateStore(file, () => now, 500);
    await store.load();
    await store.mutate((state) => {
      state.revoked['a'.repeat(32)] = 2000;
      state.revoked['b'.repeat(32)] = 9000;
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    now = 3000;
    await store.mutate(() => undefined);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).revoked)).toEqual(['b'.repeat(32)]);
  });

  test('ensureSecretFile makes a 0600 secret once, keeps it, tightens a loose mode, refuses garbage', async () => {
    const file = path.join(dir, 'secret');
    const made = await ensureSecretFile(file, () => 'x'.repeat(43), (v) => v.length === 43);
    expect(made).toEqual({ value: 'x'.repeat(43), created: true, tightened: false });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o644);
    expect(await ensureSecretFile(file, () => 'y'.repeat(43), (v) => v.length === 43)).toEqual({ value: 'x'.repeat(43), created: false, tightened: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'short');
    await expect(ensureSecretFile(file, () => 'z', (v) => v.length === 43)).rejects.toThrow(/does not hold a valid secret/);
  });
});
