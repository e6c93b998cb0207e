/** A handler's answer in wire form. */
export interface SerializedResponse {
  status: number;
  contentType: string | null;
  /** The handler's own headers, sanitised (they override the defaults). */
  headers: Record<string, string>;
  droppedHeaders: string[];
  body: string | Uint8Array;
}
