import { ProtocolCodec } from '@tunnelforge/client';
import type { ServerMessage } from '../../src/testkit/test-ws-client';
import type { Principal, WsConnection } from '../../src/plugin-api';

let nextId = 1;

/**
 * An in-memory WebSocket for engine tests: records every frame (decoded with the protocol codec)
 * and simulates backpressure. While `stalled`, sends are queued (`bufferedAmount` grows, `send`
 * answers 'buffered'); `release()` delivers the queue and empties the buffer, as a socket that
 * finally drained (the caller then reports `drain` to the handler). Frames are decoded with the
 * protocol codec, so a malformed frame fails the test at once.
 */
export class MemoryWsConnection implements WsConnection {
  readonly id = nextId++;
  readonly remoteAddress = '127.0.0.1';
  readonly messages: ServerMessage[] = [];
  stalled = false;
  bufferedAmount = 0;
  closed = false;
  closeCode: number | null = null;
  closeReason: string | null = null;
  /** Frames sent while the socket was corked (how many `cork` batches there were). */
  corks = 0;
  private queue: Buffer[] = [];
  private listeners: Array<(message: ServerMessage) => void> = [];
  private closeListeners: Array<() => void> = [];

  constructor(readonly principal: Principal = { id: 'tester', role: 'writer', via: 'test' }) {}

  send(data: Uint8Array): 'sent' | 'buffered' | 'dropped' {
    if (this.closed) return 'dropped';
    const copy = Buffer.from(data);
    if (this.stalled) {
      this.queue.push(copy);
      this.bufferedAmount += copy.length;
      return 'buffered';
    }
    this.deliver(copy);
    return 'sent';
  }

  cork(fn: () => void): void {
    this.corks++;
    fn();
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    this.closeCode = code;
    this.closeReason = reason;
    for (const listener of this.closeListeners) listener();
  }

  /** Deliver everything queued and report an empty buffer (`stalled` stays as it is). */
  release(): void {
    const queued = this.queue;
    this.queue = [];
    this.bufferedAmount = 0;
    for (const frame of queued) this.deliver(frame);
  }

  onMessage(listener: (message: ServerMessage) => void): void {
    this.listeners.push(listener);
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((message): message is Extract<ServerMessage, { type: T }> => message.type === type);
  }

  private deliver(frame: Buffer): void {
    const message = ProtocolCodec.decodeServer(frame);
    this.messages.push(message);
    for (const listener of this.listeners) listener(message);
  }
}
