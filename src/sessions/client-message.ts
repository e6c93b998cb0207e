import { ProtocolCodec, type AttachRequest, type ClientFrame } from '@tunnelforge/client';
import { z } from 'zod';

const attachSchema = z.object({
  sessionId: z.string().min(1).max(200),
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  cols: z.number().int().optional(),
  rows: z.number().int().optional(),
});

/**
 * A client → server frame as the agent handles it: the package's decoded frame, with ATTACH
 * validated into its fields, and any error (the codec's or the validation's) with its code.
 */
export type ClientMessage =
  | Exclude<ClientFrame<Buffer>, { type: 'attach' } | { type: 'error' }>
  | ({ type: 'attach' } & AttachRequest)
  | { type: 'error'; code: string; message: string };

/**
 * Decode one WebSocket message. The byte layout is `@tunnelforge/client`'s (the one codec clients
 * use too); what the agent adds is the check of ATTACH's JSON against its schema, answered with
 * `TF_ERR_BAD_REQUEST` and the fields at fault.
 */
export function decodeClientMessage(data: Buffer, isBinary: boolean): ClientMessage {
  const frame = ProtocolCodec.decodeClient(data, isBinary);
  if (frame.type !== 'attach') return frame;
  const parsed = attachSchema.safeParse(frame.request);
  if (!parsed.success) return { type: 'error', code: 'TF_ERR_BAD_REQUEST', message: `ATTACH: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}` };
  return { type: 'attach', ...parsed.data };
}
