import { AuditLog, CredentialRevoked, definePlugin, HttpRoutes, SessionActivity, SessionBell, SessionCommandFinished, SessionTitleChanged, type AgentEvent } from '../../plugin-api';
import { addNotificationRoutes } from './add-notification-routes';
import { DeliveryQueue } from './delivery-queue';
import { kindOf, notificationPayload, type NotificationPayload } from './notification-payload';
import { notificationsConfigSchema } from './notifications-config';
import { PushSubscriptions, type StoredSubscription } from './push-subscriptions';
import { sendPush, type PushOutcome } from './send-push';
import { VapidAuthorization } from './vapid-authorization';
import { ensureVapidKeys } from './vapid-keys';

/** Whether a subscription wants to hear about this session event. */
function wants(entry: StoredSubscription, kind: string, sessionId: string): boolean {
  return (entry.events as string[]).includes(kind) && (entry.sessions === 'all' || entry.sessions.includes(sessionId));
}

/**
 * Notifications to a phone (or any browser) with Web Push: the agent's VAPID keys (made once, 0600
 * in the data dir), subscriptions per principal with preferences, and delivery of bell,
 * command-finished, idle and title events through a bounded queue with timeouts and retries, off
 * the event bus's stack. Uses only the public plugin API (`HttpRoutes`, the event bus, the clock).
 */
export default definePlugin({
  id: 'notifications',
  apiVersion: 1,
  description: 'Web Push notifications (bell, finished commands, idle) to subscribed devices',
  requires: [HttpRoutes],
  optional: [AuditLog],
  config: notificationsConfigSchema,
  async activate(ctx) {
    const config = ctx.config;
    const vapid = await ensureVapidKeys(ctx.agent.dataDir);
    if (vapid.created) ctx.log.info('VAPID keys made for Web Push', { file: 'vapid-keys.json' });
    const store = await PushSubscriptions.open(ctx.agent.dataDir);
    const stopping = new AbortController();
    ctx.onDispose(() => stopping.abort());
    const now = () => new Date(ctx.clock.now());
    const authorization = new VapidAuthorization(vapid, config.subject, () => ctx.clock.now() / 1000);

    const send = (entry: StoredSubscription, payload: string, urgency: 'normal' | 'high' = 'normal') =>
      sendPush(entry, payload, { vapid: authorization, ttlSeconds: config.ttlSeconds, timeoutMs: config.requestTimeoutMs, urgency, signal: stopping.signal });

    /** Records what a push service said; a subscription it calls gone is removed for good. */
    const note = (id: string, outcome: PushOutcome) => {
      if (outcome.kind === 'accepted') store.noteOutcome(id, { ok: true, at: now() });
      else if (outcome.kind === 'gone') {
        queue.forget(id);
        queue.notePruned(1);
        void store.remove([id]).then(
          (removed) => removed.forEach((entry) => ctx.log.info('push subscription removed: the push service says it is gone', { subscription: entry.id, owner: entry.owner, status: outcome.status })),
          (error: unknown) => ctx.log.warn('push subscription not removed', { subscription: id, error: (error as Error).message }),
        );
      } else store.noteOutcome(id, { ok: false, error: outcome.error, at: now() });
    };

    let droppedLogged = 0;
    /** When each subscription's last failure was logged: a push service that is down must not flood the log. */
    const failureLogged = new Map<string, number>();
    const queue: DeliveryQueue = new DeliveryQueue({
      ...config,
      clock: ctx.clock,
      async send(job) {
        const entry = store.get(job.subscriptionId);
        // Deleted while queued: nothing to send, nothing to count.
        if (entry === undefined) return null;
        return send(entry, job.payload);
      },
      settled(job, outcome, final) {
        note(job.subscriptionId, outcome);
        if (final && (outcome.kind === 'retry' || outcome.kind === 'refused')) {
          const last = failureLogged.get(job.subscriptionId) ?? -Infinity;
          if (ctx.clock.now() - last >= 60_000) {
            failureLogged.set(job.subscriptionId, ctx.clock.now());
            if (failureLogged.size > 10_000) failureLogged.clear();
            ctx.log.warn('push not delivered (further failures of this subscription within a minute are not logged)', { subscription: job.subscriptionId, attempts: job.attempts, status: outcome.status, error: outcome.error });
          }
        }
        const { dropped } = queue.stats();
        if (dropped > droppedLogged) {
          ctx.log.warn('push queue full: oldest pushes dropped', { dropped, maxQueue: config.maxQueue });
          droppedLogged = dropped;
        }
      },
    });
    ctx.onDispose(() => queue.dispose());

    const deliver = (event: AgentEvent) => {
      if (store.size === 0) return;
      const kind = kindOf(event);
      if (kind === null) return;
      const sessionId = (event.data as { id: string }).id;
      let payload: string | undefined;
      for (const entry of store.all()) {
        if (!wants(entry, kind, sessionId)) continue;
        payload ??= JSON.stringify(notificationPayload(event, kind, config.payload));
        queue.enqueue({ subscriptionId: entry.id, payload, attempts: 0 });
      }
    };
    ctx.onDispose(ctx.events.subscribe([SessionBell, SessionCommandFinished, SessionActivity, SessionTitleChanged], deliver));

    // A device's subscription lives as long as the credential that made it: a logout or a revoked
    // token (a lost phone) stops its notifications too.
    ctx.onDispose(
      ctx.events.subscribe(CredentialRevoked, (event) => {
        const ids = store.all().filter((entry) => entry.credential === event.data.credential).map((entry) => entry.id);
        if (ids.length === 0) return;
        ids.forEach((id) => queue.forget(id));
        void store.remove(ids).then(
          () => ctx.log.info('push subscriptions removed with their revoked credential', { count: ids.length, reason: event.data.reason }),
          (error: unknown) => ctx.log.warn('push subscriptions not removed', { error: (error as Error).message }),
        );
      }),
    );
    ctx.onDispose(() => store.flush());

    ctx.onDispose(
      addNotificationRoutes(ctx.get(HttpRoutes), {
        store,
        config,
        publicKey: vapid.publicKey,
        stats: () => queue.stats(),
        forget: (id) => queue.forget(id),
        audit: ctx.tryGet(AuditLog),
        now,
        async sendTest(entry) {
          const payload: NotificationPayload = { type: 'test', kind: 'test', sessionId: null, title: 'TunnelForge', body: 'Notifications work on this device', url: '/', tag: 'test', time: now().toISOString() };
          const outcome = await send(entry, JSON.stringify(payload), 'high');
          note(entry.id, outcome);
          if (outcome.kind === 'gone') await store.flush();
          return outcome;
        },
      }),
    );
    ctx.log.debug('notifications ready', { subscriptions: store.size });
  },
});
