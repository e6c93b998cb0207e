import type { Logger } from '../plugin-api/core-services';
import type { SseStream } from '../plugin-api/http-routes';
import type { HttpExchange } from './http-exchange';
import { invokeSafely } from './invoke-safely';

/** Event names and ids are single-line by definition; a stray CR/LF would let data forge events. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\0]/g, '');
}

/**
 * One server-sent event: `event:`, `id:` and a single `data:` line holding JSON (JSON never contains
 * a raw line break, so one line always suffices), ended by a blank line. Throws if `data` cannot be
 * serialised (circular, BigInt): a caller bug, reported to the caller.
 */
export function formatSseEvent(event: string, data: unknown, id?: string | number): string {
  let text = '';
  if (event !== '') text += `event: ${oneLine(event)}\n`;
  if (id !== undefined) text += `id: ${oneLine(String(id))}\n`;
  return `${text}data: ${JSON.stringify(data) ?? 'null'}\n\n`;
}

/**
 * An SSE stream over one uWS response. Backpressure: once uWS reports a write it could not finish
 * (it keeps those bytes itself), later events wait in a bounded queue until the socket is writable;
 * a client that lets the queue pass `maxQueuedBytes` is dropped rather than buffered without end.
 */
export class UwsSseStream implements SseStream {
  private isClosed = false;
  private congested = false;
  private queue: string[] = [];
  private queuedBytes = 0;
  private readonly listeners: (() => void)[] = [];
  private keepAlive: NodeJS.Timeout | null = null;

  constructor(
    private readonly exchange: HttpExchange,
    private readonly options: { keepAliveMs: number; maxQueuedBytes: number; path: string },
    private readonly log: Logger,
  ) {}

  /** Sends the headers. False when the client is already gone. */
  start(headers: Readonly<Record<string, string>>): boolean {
    this.exchange.onAbort(() => this.shutdown(false));
    this.exchange.onWritable(() => this.flush());
    // An initial comment flushes the headers at once, so the client sees the stream open.
    const ok = this.exchange.startStream(200, headers, ': connected\n\n');
    if (!this.exchange.open) {
      this.shutdown(false);
      return false;
    }
    this.congested = !ok;
    this.keepAlive = setInterval(() => this.push(': keep-alive\n\n'), this.options.keepAliveMs);
    this.keepAlive.unref();
    return true;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(event: string, data: unknown, id?: string | number): boolean {
    if (this.isClosed) return false;
    return this.push(formatSseEvent(event, data, id));
  }

  onClose(listener: () => void): void {
    if (this.isClosed) invokeSafely(this.log, 'sse onClose listener', { path: this.options.path }, listener);
    else this.listeners.push(listener);
  }

  close(): void {
    this.shutdown(true);
  }

  private push(chunk: string): boolean {
    if (this.isClosed) return false;
    if (this.congested) {
      const size = Buffer.byteLength(chunk);
      if (this.queuedBytes + size > this.options.maxQueuedBytes) {
        this.log.warn('sse client not reading; stream dropped', { path: this.options.path, queuedBytes: this.queuedBytes });
        this.shutdown(true);
        return false;
      }
      this.queue.push(chunk);
      this.queuedBytes += size;
      return true;
    }
    if (!this.exchange.write(chunk)) {
      if (!this.exchange.open) {
        this.shutdown(false);
        return false;
      }
      this.congested = true; // uWS holds the rest of this chunk; queue what follows
    }
    return true;
  }

  /** uWS onWritable. It must write something: with a handler registered, uWS does not drain its own buffer (measured on 20.30), so an empty queue writes a no-op comment line. */
  private flush(): boolean {
    let ok = this.queue.length > 0 || this.exchange.write(':\n');
    while (ok && this.queue.length > 0) {
      const chunk = this.queue.shift() as string;
      this.queuedBytes -= Buffer.byteLength(chunk);
      ok = this.exchange.write(chunk);
    }
    this.congested = !ok;
    return ok;
  }

  private shutdown(endResponse: boolean): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.keepAlive !== null) clearInterval(this.keepAlive);
    this.queue = [];
    this.queuedBytes = 0;
    if (endResponse) this.exchange.end();
    for (const listener of this.listeners.splice(0)) invokeSafely(this.log, 'sse onClose listener', { path: this.options.path }, listener);
  }
}
