import type { RpcRequest, RpcResponse } from './common';

/**
 * The client side of the bench's process RPC: answer each request from the orchestrator with its
 * command's result or error (`onError` sees failures first, e.g. to log their stack).
 */
export function serveRpc(commands: Record<string, (args: any) => unknown>, onError: (cmd: string, error: unknown) => void = () => undefined): void {
  process.on('message', (raw) => {
    const request = raw as RpcRequest;
    const reply = (response: RpcResponse) => process.send?.(response);
    const handler = commands[request.cmd];
    if (!handler) return reply({ id: request.id, ok: false, error: `unknown command ${request.cmd}` });
    Promise.resolve()
      .then(() => handler(request.args))
      .then(
        (result) => reply({ id: request.id, ok: true, result }),
        (error: unknown) => {
          onError(request.cmd, error);
          reply({ id: request.id, ok: false, error: (error as Error)?.message ?? String(error) });
        },
      );
  });
}
