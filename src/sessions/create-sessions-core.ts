import type { Clock, Disposable, EventBus, HttpRoutes, Logger, WebSocketRoutes } from '../plugin-api';
import { SystemClock } from '../kernel/core/system-clock';
import { EventHistory } from './event-history';
import { PtySessionManager } from './pty-session-manager';
import { SessionSocketHandler } from './session-socket-handler';
import { SessionWatchHub } from './session-watch-hub';
import { SessionsConfig, type SessionsConfigInput } from './sessions-config';
import { CreateRateLimit } from './create-rate-limit';
import { registerSessionsRoutes } from './sessions-routes';
import { warmUpScreenModel } from './warm-up-screen-model';

/** Path of the terminal WebSocket endpoint. */
const WS_PATH = '/ws';
/** Largest client frame (a big paste arrives as one INPUT frame). */
const WS_MAX_PAYLOAD = 1024 * 1024;

export interface SessionsCoreDeps {
  /** The config slice (validated here; defaults applied). */
  config: SessionsConfigInput | SessionsConfig;
  events: EventBus;
  log: Logger;
  clock?: Clock;
  /** A manager built already (a plugin's provided `SessionManager`); default: a new one from `config`. */
  manager?: PtySessionManager;
}

export interface SessionsCore {
  readonly manager: PtySessionManager;
  /** Add the HTTP API, the SSE stream and the `/ws` endpoint; dispose to take them away. */
  registerRoutes(http: HttpRoutes, ws: WebSocketRoutes): Disposable;
  /** Remove routes, kill every session (SIGKILL after the grace period), release everything. */
  dispose(): Promise<void>;
}

/** The sessions core, ready to be wired into a plugin (routes in `activate`, dispose in `deactivate`). */
export function createSessionsCore({ config, events, log, clock = new SystemClock(), manager: given }: SessionsCoreDeps): SessionsCore {
  const settings = SessionsConfig.parse(config);
  const manager = given ?? new PtySessionManager(settings, events, log, clock);
  const registrations = new Set<Disposable>();
  // From now on, before any route exists: a client resuming with Last-Event-ID finds what it missed.
  const history = new EventHistory(events, settings.eventHistorySize);
  // Off the start-up path, before the first client is likely to join (see warmUpScreenModel).
  const stopWarmUp = warmUpScreenModel();
  return {
    manager,
    registerRoutes(http, ws) {
      const hub = new SessionWatchHub(manager, events, settings, clock, log);
      const handler = new SessionSocketHandler(manager, log, settings.maxProtocolErrors, undefined, hub);
      const parts = [
        registerSessionsRoutes(http, manager, events, history, new CreateRateLimit(settings.createRateLimit.creates, settings.createRateLimit.windowMs)),
        ws.add({
          path: WS_PATH,
          access: 'viewer',
          maxPayloadBytes: WS_MAX_PAYLOAD,
          doc: { summary: 'WebSocket protocol v1: attach, input, resize, output with offsets, snapshots; WATCH many sessions with previews (docs/protocol.md)', tags: ['sessions'] },
          handler,
        }),
        hub,
      ];
      const registration: Disposable = {
        dispose() {
          if (!registrations.delete(registration)) return;
          for (const part of parts) part.dispose();
        },
      };
      registrations.add(registration);
      return registration;
    },
    async dispose() {
      stopWarmUp();
      for (const registration of [...registrations]) registration.dispose();
      history.dispose();
      await manager.dispose();
    },
  };
}
