import { startTestAgent, type TestAgent } from '../../src/testkit';
import { hashPassword } from '../../src/plugins/auth-password/password-hash';

export const PASSWORD = 'correct horse battery staple';

/**
 * The real agent for the client package's tests: built-in plugins on a free loopback port, with one
 * password user `ann` (writer) beside the test kit's API tokens and the local token file.
 */
export async function startClientTestAgent(options: { accessTokenTtlSeconds?: number } = {}): Promise<TestAgent> {
  return startTestAgent({
    plugins: [],
    config: {
      plugins: {
        'auth-password': { options: { users: [{ username: 'ann', passwordHash: await hashPassword(PASSWORD), role: 'writer' }] } },
        ...(options.accessTokenTtlSeconds === undefined ? {} : { 'auth-jwt': { options: { accessTokenTtlSeconds: options.accessTokenTtlSeconds } } }),
      },
    },
  });
}

/** Resolve once `condition()` holds (checked every 20 ms); reject after `timeoutMs` saying what was awaited. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
