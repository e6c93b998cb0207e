import type { IncomingMessage } from 'node:http';

/** A refused WebSocket upgrade as the agent answered it: the status and its `TF_ERR_*` code (null without a JSON body). */
export interface UpgradeRefusal {
  status: number;
  code: string | null;
}

/** Read the answer to a refused upgrade (`ws`'s `unexpected-response`) to its end. */
export function readUpgradeRefusal(res: IncomingMessage): Promise<UpgradeRefusal> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', () => resolve({ status: res.statusCode ?? 0, code: null }));
    res.on('end', () => {
      let code: string | null = null;
      try {
        code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { code?: string } }).error?.code ?? null;
      } catch {
        // no JSON body
      }
      resolve({ status: res.statusCode ?? 0, code });
    });
  });
}
