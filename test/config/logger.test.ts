import { createLogger } from '../../src/kernel/logger/create-logger';
import { formatPrettyLine } from '../../src/kernel/logger/format-pretty-line';
import { MemoryLogger } from '../../src/kernel/logger/memory-logger';
import { redactSecrets } from '../../src/kernel/logger/redact-secrets';

/** A destination that keeps what was written. */
function sink(isTTY = false) {
  const chunks: string[] = [];
  return {
    isTTY,
    write: (chunk: string) => chunks.push(chunk),
    text: () => chunks.join(''),
    json: () => chunks.join('').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger (JSON)', () => {
  it('writes one JSON object per line with level label, ISO time, msg and fields', () => {
    const out = sink();
    const log = createLogger({ level: 'info', format: 'json', destination: out });
    log.info('hello', { port: 4020, nested: { a: [1, 2] } });
    log.warn('no fields');
    const [first, second] = out.json();
    expect(first).toMatchObject({ level: 'info', msg: 'hello', port: 4020, nested: { a: [1, 2] }, pid: process.pid });
    expect(new Date(String(first.time)).toISOString()).toBe(first.time);
    expect(second).toMatchObject({ level: 'warn', msg: 'no fields' });
    expect(out.text().endsWith('\n')).toBe(true);
  });

  it('is JSON when format is auto and the destination is not a TTY', () => {
    const out = sink(false);
    createLogger({ level: 'info', format: 'auto', destination: out }).info('x');
    expect(out.json()[0].msg).toBe('x');
  });

  it('redacts secret-looking fields at any depth, without touching the caller\'s object', () => {
    const out = sink();
    const fields = {
      user: 'ann',
      password: 'hunter2',
      request: { headers: { Authorization: 'Bearer abc', Cookie: 'sid=1', accept: 'json' } },
      list: [{ api_key: 'k1' }, { apiKey: 'k2' }, { 'api-key': 'k3', ok: true }],
      deep: { a: { b: { c: { clientSecret: 's', authtoken: 't', refreshToken: 'r' } } } },
    };
    createLogger({ level: 'info', format: 'json', destination: out }).info('login', fields);
    const line = out.json()[0];
    expect(line).toMatchObject({
      user: 'ann',
      password: '[redacted]',
      request: { headers: { Authorization: '[redacted]', Cookie: '[redacted]', accept: 'json' } },
      list: [{ api_key: '[redacted]' }, { apiKey: '[redacted]' }, { 'api-key': '[redacted]', ok: true }],
      deep: { a: { b: { c: { clientSecret: '[redacted]', authtoken: '[redacted]', refreshToken: '[redacted]' } } } },
    });
    expect(out.text()).not.toMatch(/hunter2|Bearer abc|sid=1|k1|k2|k3/);
    expect(fields.password).toBe('hunter2');
    expect(fields.request.headers.Authorization).toBe('Bearer abc');
  });

  it('child loggers add their bindings (redacted too) to every line', () => {
    const out = sink();
    const log = createLogger({ level: 'info', format: 'json', destination: out });
    const child = log.child({ plugin: 'tunnel-ngrok', token: 'tok' }).child({ session: 's1' });
    child.info('up', { url: 'https://x' });
    expect(out.json()[0]).toMatchObject({ plugin: 'tunnel-ngrok', token: '[redacted]', session: 's1', url: 'https://x', msg: 'up' });
    expect(out.text()).not.toContain('tok"');
  });

  it('filters by level, and silent writes nothing', () => {
    const out = sink();
    const log = createLogger({ level: 'warn', format: 'json', destination: out });
    log.trace('t');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(out.json().map((l) => l.msg)).toEqual(['w', 'e']);

    const quiet = sink();
    const silent = createLogger({ level: 'silent', format: 'json', destination: quiet });
    silent.error('e');
    silent.child({ plugin: 'x' }).error('e');
    expect(quiet.text()).toBe('');
  });

  it('serializes Error values under err with message and stack', () => {
    const out = sink();
    createLogger({ level: 'info', format: 'json', destination: out }).error('failed', { err: new Error('boom') });
    expect(out.json()[0].err).toMatchObject({ type: 'Error', message: 'boom', stack: expect.stringContaining('boom') });
  });
});

describe('createLogger (pretty)', () => {
  it('writes compact readable lines: time, level, [plugin], msg, key=value', () => {
    const out = sink();
    const log = createLogger({ level: 'info', format: 'pretty', destination: out, colors: false });
    log.child({ plugin: 'tunnel-ngrok' }).info('tunnel up', { url: 'https://x.ngrok.app', note: 'two words', n: 3, secret: 'no' });
    expect(out.text()).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO  \[tunnel-ngrok\] tunnel up url=https:\/\/x\.ngrok\.app note="two words" n=3 secret=\[redacted\]\n$/,
    );
    expect(out.text()).not.toContain('{');
  });

  it('is used for format auto when the destination is a TTY', () => {
    const out = sink(true);
    createLogger({ level: 'info', format: 'auto', destination: out, colors: false }).warn('careful');
    expect(out.text()).toMatch(/WARN {2}careful\n$/);
  });

  it('colors the level only when asked', () => {
    const line = formatPrettyLine({ level: 'error', time: 0, msg: 'x' }, { colors: true });
    expect(line).toContain('\x1b[31mERROR');
    expect(formatPrettyLine({ level: 'error', time: 0, msg: 'x' })).not.toContain('\x1b[');
  });

  it('shows an error\'s message inline and its stack on error lines', () => {
    const out = sink();
    createLogger({ level: 'info', format: 'pretty', destination: out, colors: false }).error('failed', { err: new Error('boom') });
    const [first, ...rest] = out.text().trimEnd().split('\n');
    expect(first).toMatch(/ERROR failed err=boom$/);
    expect(rest[0]).toMatch(/^ {4}at /);
  });
});

describe('redactSecrets', () => {
  it('returns the same object when nothing is secret, and survives cycles', () => {
    const plain = { a: 1, b: { c: [1, { d: 'x' }] } };
    expect(redactSecrets(plain)).toBe(plain);
    const cyclic: Record<string, unknown> = { name: 'n', password: 'p' };
    cyclic.self = cyclic;
    const out = redactSecrets(cyclic);
    expect(out).toEqual({ name: 'n', password: '[redacted]', self: '[circular]' });
  });

  it('leaves class instances alone', () => {
    const error = Object.assign(new Error('x'), { token: 't' });
    expect(redactSecrets({ err: error }).err).toBe(error);
  });
});

describe('MemoryLogger', () => {
  it('records entries with merged child bindings, shared with children, redacted', () => {
    const log = new MemoryLogger();
    log.info('root', { a: 1 });
    const child = log.child({ plugin: 'p' });
    child.warn('from child', { password: 'x' });
    expect(log.entries).toEqual([
      { level: 'info', msg: 'root', fields: { a: 1 }, time: expect.any(Number) },
      { level: 'warn', msg: 'from child', fields: { plugin: 'p', password: '[redacted]' }, time: expect.any(Number) },
    ]);
    expect(child.entries).toBe(log.entries);
    expect(log.messages('warn')).toEqual(['from child']);
    log.clear();
    expect(child.entries).toHaveLength(0);
  });

  it('filters by level', () => {
    const log = new MemoryLogger({ level: 'info' });
    log.debug('d');
    log.child({ x: 1 }).trace('t');
    log.error('e');
    expect(log.messages()).toEqual(['e']);
    const silent = new MemoryLogger({ level: 'silent' });
    silent.error('e');
    expect(silent.entries).toHaveLength(0);
  });
});
