import type { Clock, Principal } from '../../src/plugin-api';
import { LocalEventBus } from '../../src/kernel/core/local-event-bus';
import { SystemClock } from '../../src/kernel/core/system-clock';
import { MemoryLogger } from '../../src/kernel/logger/memory-logger';
import { PtySessionManager } from '../../src/sessions/pty-session-manager';
import { SessionSocketHandler } from '../../src/sessions/session-socket-handler';
import { SessionWatchHub } from '../../src/sessions/session-watch-hub';
import { SessionsConfig, type SessionsConfigInput } from '../../src/sessions/sessions-config';
import { MemoryWsConnection } from './memory-ws-connection';

/** A shell that reads no startup files, for predictable output. */
export const BASH = ['/bin/bash', '--norc', '--noprofile'];

/** A manager and the WebSocket handler over in-memory connections; `dispose()` kills every PTY. */
export function createSessionsHarness(overrides: SessionsConfigInput = {}, clock: Clock = new SystemClock()) {
  const log = new MemoryLogger({ level: 'warn' });
  const bus = new LocalEventBus(log);
  const events = bus.forSource('core-sessions');
  const config = SessionsConfig.parse(overrides);
  const manager = new PtySessionManager(config, events, log, clock);
  const hub = new SessionWatchHub(manager, events, config, clock, log);
  const handler = new SessionSocketHandler(manager, log, config.maxProtocolErrors, undefined, hub);
  return {
    manager,
    handler,
    hub,
    events,
    bus,
    log,
    config,
    clock,
    connect(principal?: Principal): MemoryWsConnection {
      const connection = new MemoryWsConnection(principal);
      connection.onClose(() => handler.close(connection));
      handler.open(connection);
      return connection;
    },
    send(connection: MemoryWsConnection, frame: Uint8Array): void {
      // The transport hands handlers Buffers; the codec makes plain Uint8Arrays.
      handler.message(connection, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), true);
    },
    /** The socket drained: deliver its queue and tell the handler. */
    drain(connection: MemoryWsConnection): void {
      connection.release();
      handler.drain(connection);
    },
    async dispose(): Promise<void> {
      hub.dispose();
      await manager.dispose();
    },
  };
}

export type SessionsHarness = ReturnType<typeof createSessionsHarness>;
