import { HttpError, z, type AuditLog, type Disposable, type HttpRoutes, type Principal } from '../../plugin-api';
import { checkPushEndpoint, checkPushKeys } from './check-push-subscription';
import type { DeliveryStats } from './delivery-queue';
import { NOTIFICATION_KINDS, type NotificationsConfig } from './notifications-config';
import type { PushSubscriptions, StoredSubscription } from './push-subscriptions';
import type { PushOutcome } from './send-push';

export interface NotificationRouteDeps {
  store: PushSubscriptions;
  config: NotificationsConfig;
  publicKey: string;
  stats(): DeliveryStats;
  /** Sends the test notification to one subscription, once (no retry), and prunes it when gone. */
  sendTest(subscription: StoredSubscription): Promise<PushOutcome>;
  /** A subscription was deleted: drop its queued pushes. */
  forget(id: string): void;
  audit: AuditLog | undefined;
  now(): Date;
}

const kinds = z.array(z.enum(NOTIFICATION_KINDS)).max(NOTIFICATION_KINDS.length).describe('Which events notify: bell, command-finished, idle (a session went quiet), title');
const sessions = z
  .union([z.literal('all'), z.array(z.string().min(1).max(128)).max(200)])
  .describe('`all`, or the ids of the sessions to hear about');
const name = z.string().trim().min(1).max(60).describe('What this device is called in the list');

const subscriptionView = z.object({
  id: z.string(),
  name: z.string(),
  endpoint: z.string().describe('The push service URL of the device (compare with PushSubscription.endpoint to find this device)'),
  events: z.array(z.enum(NOTIFICATION_KINDS)),
  sessions: z.union([z.literal('all'), z.array(z.string())]),
  createdAt: z.string(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
const statsView = z.object({ queued: z.number(), inFlight: z.number(), delivered: z.number(), failed: z.number(), dropped: z.number(), pruned: z.number() });
const NOT_FOUND = 'No subscription with that id among the caller\'s (TF_ERR_SUBSCRIPTION_NOT_FOUND)';
const NO_STORE = { 'cache-control': 'no-store' };

/** The view of a subscription its owner gets: never its keys. */
function view(entry: StoredSubscription): z.output<typeof subscriptionView> {
  return { id: entry.id, name: entry.name, endpoint: entry.endpoint, events: entry.events, sessions: entry.sessions, createdAt: entry.createdAt, lastSuccessAt: entry.lastSuccessAt, lastError: entry.lastError };
}

/** Unique, in catalogue order. */
function normalizeKinds(list: readonly string[]): Array<(typeof NOTIFICATION_KINDS)[number]> {
  return NOTIFICATION_KINDS.filter((kind) => list.includes(kind));
}

/**
 * A session-bound credential (a share link) has no notifications: it may see one terminal while
 * it is open, not be told about it later on a device. The authenticators already keep it to its
 * session's routes; this is the same rule at the route, should a third-party authenticator not.
 */
function owner(principal: Principal | null): Principal {
  if (principal === null || principal.sessionId !== undefined) throw new HttpError(403, 'TF_ERR_FORBIDDEN', 'share links cannot subscribe to notifications');
  return principal;
}

function owned(deps: NotificationRouteDeps, principal: Principal, id: string): StoredSubscription {
  const entry = deps.store.get(id);
  if (entry === undefined || entry.owner !== principal.id) throw new HttpError(404, 'TF_ERR_SUBSCRIPTION_NOT_FOUND', `no subscription ${id}`);
  return entry;
}

/**
 * The Web Push routes, all for viewers and up (anyone who may see the sessions may be told about
 * them), each principal seeing and changing only its own subscriptions.
 */
export function addNotificationRoutes(http: HttpRoutes, deps: NotificationRouteDeps): Disposable {
  const params = z.object({ id: z.string().min(1).max(64) });
  const routes = [
    http.add({
      method: 'GET',
      path: '/api/notifications/vapid-key',
      access: 'viewer',
      schema: { response: z.object({ publicKey: z.string().describe('base64url uncompressed P-256 point: the applicationServerKey for PushManager.subscribe') }) },
      doc: { summary: 'The agent\'s VAPID public key, to subscribe a device to Web Push', tags: ['notifications'] },
      handler: (request) => {
        owner(request.principal);
        return { json: { publicKey: deps.publicKey } };
      },
    }),
    http.add({
      method: 'GET',
      path: '/api/notifications/subscriptions',
      access: 'viewer',
      schema: { response: z.object({ subscriptions: z.array(subscriptionView), delivery: statsView.describe('The agent-wide delivery queue since start') }) },
      doc: { summary: 'The caller\'s Web Push subscriptions (devices), and the delivery counters', tags: ['notifications'] },
      handler: (request) => {
        const principal = owner(request.principal);
        return { json: { subscriptions: deps.store.ownedBy(principal.id).map(view), delivery: deps.stats() }, headers: NO_STORE };
      },
    }),
    http.add({
      method: 'POST',
      path: '/api/notifications/subscriptions',
      access: 'viewer',
      maxBodyBytes: 16 * 1024,
      schema: {
        body: z.strictObject({
          subscription: z
            .object({
              endpoint: z.string().min(1).max(2048),
              expirationTime: z.number().nullable().optional(),
              keys: z.object({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
            })
            .describe('PushSubscription.toJSON() of the device'),
          name: name.optional(),
          events: kinds.default(['bell', 'command-finished']),
          sessions: sessions.default('all'),
        }),
        response: subscriptionView,
      },
      doc: {
        summary: 'Subscribe a device (or update it: one endpoint is one subscription) to Web Push notifications',
        tags: ['notifications'],
        status: 201,
        errors: {
          400: 'Not an https endpoint (TF_ERR_BAD_PUSH_ENDPOINT), keys that are not a P-256 point and a 16-byte secret (TF_ERR_BAD_PUSH_KEYS), or another bad field (TF_ERR_BAD_REQUEST)',
          403: 'A share link (TF_ERR_FORBIDDEN)',
          409: 'Too many subscriptions for this principal or the agent (TF_ERR_SUBSCRIPTION_LIMIT)',
        },
      },
      async handler(request) {
        const principal = owner(request.principal);
        const { subscription, events } = request.body;
        checkPushEndpoint(subscription.endpoint, deps.config.allowInsecureEndpoints);
        const endpoint = subscription.endpoint;
        checkPushKeys(subscription.keys);
        const existing = deps.store.findByEndpoint(endpoint);
        if (existing === undefined) {
          if (deps.store.ownedBy(principal.id).length >= deps.config.maxPerPrincipal) throw new HttpError(409, 'TF_ERR_SUBSCRIPTION_LIMIT', `at most ${deps.config.maxPerPrincipal} subscriptions per user; delete one first`);
          if (deps.store.size >= deps.config.maxSubscriptions) throw new HttpError(409, 'TF_ERR_SUBSCRIPTION_LIMIT', `the agent holds its maximum of ${deps.config.maxSubscriptions} subscriptions`);
        } else if (existing.owner !== principal.id) {
          deps.forget(existing.id);
        }
        const { subscription: stored } = await deps.store.put(
          {
            owner: principal.id,
            credential: principal.credential ?? null,
            name: request.body.name ?? existing?.name ?? 'This device',
            endpoint,
            keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth },
            events: normalizeKinds(events),
            sessions: request.body.sessions,
          },
          deps.now(),
        );
        // Which push service (its host), never the endpoint itself: that URL is the device's capability.
        deps.audit?.record({ action: 'notifications.subscribe', by: principal, target: stored.id, address: request.remoteAddress, details: { name: stored.name, pushService: new URL(endpoint).host, events: stored.events } });
        return { status: 201, json: view(stored), headers: NO_STORE };
      },
    }),
    http.add({
      method: 'PATCH',
      path: '/api/notifications/subscriptions/:id',
      access: 'viewer',
      maxBodyBytes: 16 * 1024,
      schema: {
        params,
        body: z
          .strictObject({ name: name.optional(), events: kinds.optional(), sessions: sessions.optional() })
          .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one of name, events, sessions'),
        response: subscriptionView,
      },
      doc: { summary: 'Change a subscription\'s preferences: which events, which sessions, its name', tags: ['notifications'], errors: { 404: NOT_FOUND } },
      async handler(request) {
        const entry = owned(deps, owner(request.principal), request.params.id);
        const { events, ...rest } = request.body;
        const updated = await deps.store.update(entry.id, { ...rest, events: events === undefined ? undefined : normalizeKinds(events) });
        if (updated === undefined) throw new HttpError(404, 'TF_ERR_SUBSCRIPTION_NOT_FOUND', `no subscription ${entry.id}`);
        return { json: view(updated), headers: NO_STORE };
      },
    }),
    http.add({
      method: 'DELETE',
      path: '/api/notifications/subscriptions/:id',
      access: 'viewer',
      schema: { params },
      doc: { summary: 'Unsubscribe a device', tags: ['notifications'], status: 204, errors: { 404: NOT_FOUND } },
      async handler(request) {
        const entry = owned(deps, owner(request.principal), request.params.id);
        deps.forget(entry.id);
        await deps.store.remove([entry.id]);
        deps.audit?.record({ action: 'notifications.unsubscribe', by: request.principal, target: entry.id, address: request.remoteAddress, details: { name: entry.name } });
        return { status: 204 };
      },
    }),
    http.add({
      method: 'POST',
      path: '/api/notifications/test',
      access: 'viewer',
      maxBodyBytes: 1024,
      schema: {
        body: z.strictObject({ id: z.string().min(1).max(64).optional().describe('Only this subscription (default: all of the caller\'s)') }).default({}),
        response: z.object({
          results: z.array(
            z.object({
              id: z.string(),
              name: z.string(),
              ok: z.boolean(),
              status: z.number().nullable().describe('The push service\'s HTTP status; null when it could not be reached'),
              error: z.string().nullable(),
              pruned: z.boolean().describe('The push service said the subscription is gone (404/410); it was removed'),
            }),
          ),
        }),
      },
      doc: {
        summary: 'Send a test notification to the caller\'s devices now (one try each) and report how each push service answered',
        tags: ['notifications'],
        errors: { 404: NOT_FOUND },
      },
      async handler(request) {
        const principal = owner(request.principal);
        const targets = request.body.id === undefined ? deps.store.ownedBy(principal.id) : [owned(deps, principal, request.body.id)];
        const results = await Promise.all(
          targets.map(async (entry) => {
            const outcome = await deps.sendTest(entry);
            return {
              id: entry.id,
              name: entry.name,
              ok: outcome.kind === 'accepted',
              status: outcome.status === 0 ? null : outcome.status,
              error: outcome.kind === 'accepted' ? null : outcome.kind === 'gone' ? `push service answered ${outcome.status}: the subscription is gone` : outcome.error,
              pruned: outcome.kind === 'gone',
            };
          }),
        );
        return { json: { results }, headers: NO_STORE };
      },
    }),
  ];
  return { dispose: () => routes.forEach((route) => route.dispose()) };
}
