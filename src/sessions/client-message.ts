import { ProtocolCodec, type AttachRequest, type ClientFrame, type WatchRequest } from '@tunnelforge/client';
import { z } from 'zod';

const attachSchema = z.object({
  sessionId: z.string().min(1).max(200),
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  cols: z.number().int().optional(),
  rows: z.number().int().optional(),
});

/** Largest `sessionIds` list of a WATCH. */
export const MAX_WATCHED_IDS = 256;

const watchSchema = z.strictObject({
  all: z.boolean().optional(),
  sessionIds: z.array(z.string().min(1).max(200)).max(MAX_WATCHED_IDS).optional(),
  previews: z.boolean().optional(),
}).refine((request) => (request.all === true) !== (request.sessionIds !== undefined), 'give either "all": true or "sessionIds"');

/**
 * A client → server frame as the agent handles it: the package's decoded frame, with ATTACH
 * validated into its fields, and any error (the codec's or the validation's) with its code.
 */
export type ClientMessage =
  | Exclude<ClientFrame<Buffer>, { type: 'attach' } | { type: 'watch' } | { type: 'error' }>
  | ({ type: 'attach' } & AttachRequest)
  | ({ type: 'watch' } & WatchRequest)
  | { type: 'error'; code: string; message: string };

/**
 * Decode one WebSocket message. The byte layout is `@tunnelforge/client`'s (the one codec clients
 * use too); what the agent adds is the check of ATTACH's JSON against its schema, answered with
 * `TF_ERR_BAD_REQUEST` and the fields at fault.
 */
export function decodeClientMessage(data: Buffer, isBinary: boolean): ClientMessage {
  const frame = ProtocolCodec.decodeClient(data, isBinary);
  if (frame.type === 'watch') {
    const watch = watchSchema.safeParse(frame.request);
    if (!watch.success) return { type: 'error', code: 'TF_ERR_BAD_REQUEST', message: `WATCH: ${z.prettifyError(watch.error).replace(/\n/g, '; ')}` };
    return { type: 'watch', ...watch.data };
  }
  if (frame.type !== 'attach') return frame;
  const parsed = attachSchema.safeParse(frame.request);
  if (!parsed.success) return { type: 'error', code: 'TF_ERR_BAD_REQUEST', message: `ATTACH: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}` };
  return { type: 'attach', ...parsed.data };
}
