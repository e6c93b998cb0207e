/**
 * `@tunnelforge/client/node`: the Node-only parts (the local token file, WebSockets from `ws`),
 * plus everything of `@tunnelforge/client`, so a Node program needs one import.
 * @packageDocumentation
 */
import { bearerToken, type Credentials } from './auth/credentials';
import { readLocalToken, type LocalTokenOptions } from './node/read-local-token';

export * from './index';
export { readLocalToken, defaultDataDir, type LocalTokenOptions } from './node/read-local-token';
export { nodeWebSocket } from './node/node-web-socket';

/** Credentials from the local token file of an agent on this machine (admin). */
export async function localToken(options: LocalTokenOptions = {}): Promise<Credentials> {
  return bearerToken(await readLocalToken(options));
}
