import * as path from 'node:path';
import webpush from 'web-push';
import { ensureSecretFile } from '../shared/ensure-secret-file';

/** The agent's VAPID key pair (base64url, as web-push and `PushManager.subscribe` take them). */
export interface VapidKeys {
  /** Uncompressed P-256 point, 65 bytes: the `applicationServerKey` browsers subscribe with. */
  publicKey: string;
  /** 32-byte private scalar; signs the JWT of every push. Never leaves the data dir. */
  privateKey: string;
}

/** File name in the data dir. */
export const VAPID_KEYS_FILE = 'vapid-keys.json';

function isValid(text: string): boolean {
  try {
    const keys = JSON.parse(text) as Partial<VapidKeys>;
    return typeof keys.publicKey === 'string' && typeof keys.privateKey === 'string' && Buffer.from(keys.publicKey, 'base64url').length === 65 && Buffer.from(keys.privateKey, 'base64url').length === 32;
  } catch {
    return false;
  }
}

/**
 * The VAPID keys of this data dir: made on the first start and kept (mode 0600, written
 * atomically) so existing subscriptions stay valid — browsers bind a subscription to the public key
 * it was made with, and a new key would silently orphan every device.
 */
export async function ensureVapidKeys(dataDir: string): Promise<VapidKeys & { created: boolean }> {
  const file = await ensureSecretFile(path.join(dataDir, VAPID_KEYS_FILE), () => JSON.stringify(webpush.generateVAPIDKeys()), isValid);
  const keys = JSON.parse(file.value) as VapidKeys;
  return { publicKey: keys.publicKey, privateKey: keys.privateKey, created: file.created };
}
