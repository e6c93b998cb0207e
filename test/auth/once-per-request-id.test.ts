import { OncePerRequestId } from '../../src/plugins/auth-api/once-per-request-id';

describe('OncePerRequestId', () => {
  it('runs once per key while remembered, every time without a key, and again after ten minutes', async () => {
    let now = 0;
    let runs = 0;
    const once = new OncePerRequestId<number>(() => now);
    const make = async () => ++runs;
    expect(await Promise.all([once.run('a', make), once.run('a', make)])).toEqual([1, 1]);
    expect(await once.run('b', make)).toBe(2);
    expect(await once.run(null, make)).toBe(3);
    expect(await once.run(null, make)).toBe(4);
    now += 10 * 60_000;
    expect(await once.run('a', make)).toBe(5);
  });

  it('forgets a failed attempt, so a retry with the same id runs again', async () => {
    const once = new OncePerRequestId<string>();
    await expect(once.run('k', async () => { throw new Error('disk full'); })).rejects.toThrow('disk full');
    expect(await once.run('k', async () => 'made')).toBe('made');
  });

  it('keeps at most about a thousand ids, dropping the oldest', async () => {
    let runs = 0;
    const once = new OncePerRequestId<number>(() => 0);
    for (let i = 0; i < 1005; i++) await once.run(`id-${i}`, async () => ++runs);
    expect(await once.run('id-0', async () => ++runs)).toBe(1006); // forgotten: made again
    expect(await once.run('id-1004', async () => ++runs)).toBe(1005); // remembered
  });
});
