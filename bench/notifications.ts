/**
 * Notifications benchmark (issue 13 part 4): `npm run bench:notifications [-- --json]`.
 *
 * The real agent in this process (startTestAgent: every built-in plugin, the notifications plugin
 * with its real queue and sender), a push service on 127.0.0.1 (node:http, also in this process)
 * that accepts every push, and a test plugin that publishes `session.bell` on the real bus.
 *
 * 1. Publisher cost: µs per published bell on the bus, with 0 subscriptions (baseline) and with 20
 *    matching subscriptions (their pushes queued, most dropped by the bounded queue), measured
 *    alternately in the same run; the ratio is what a bell costs the code that publishes it.
 * 2. Delivery: 1,000 pushes (20 subscriptions × 50 bells) encrypted (aes128gcm), VAPID-signed and
 *    POSTed over loopback: wall time, pushes/s, CPU ms per push of this process (agent and push
 *    service together), and the event loop delay p99 meanwhile against an idle baseline.
 *
 * stdout: the table, or with `--json` one JSON object. Exit 1 when a push is lost.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createECDH, randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { definePlugin, SessionBell, type EventBus, type SessionInfo } from '../src/plugin-api';
import { startTestAgent } from '../src/testkit';

const json = process.argv.includes('--json');
const log = (message: string) => process.stderr.write(`[bench:notifications] ${message}\n`);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  let accepted = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      accepted++;
      response.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = (n: number) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/push/${n}`;

  let bus: EventBus | undefined;
  const publisher = definePlugin({ id: 'bench-session-events', apiVersion: 1, activate: (ctx) => void (bus = ctx.events) });
  const agent = await startTestAgent({
    plugins: [publisher],
    config: { logLevel: 'warn', plugins: { notifications: { options: { allowInsecureEndpoints: true, maxQueue: 2000, maxPerPrincipal: 100 } } } },
  });
  try {
    const writer = agent.as('writer');
    const session = (await writer.post('/api/sessions', { command: ['sh', '-c', 'sleep 600'], name: 'bench' })).json as SessionInfo;
    const bell = () => bus!.publish(SessionBell, { ...session, by: null, count: 1 });

    const subscribe = async (n: number) => {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const reply = await writer.post('/api/notifications/subscriptions', { subscription: { endpoint: endpoint(n), keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } }, events: ['bell'] });
      if (reply.status !== 201) throw new Error(`subscribe: ${reply.status} ${reply.text}`);
      return reply.json.id as string;
    };
    const stats = async () => (await writer.get('/api/notifications/subscriptions')).json.delivery as Record<string, number>;
    const settle = async () => {
      for (let i = 0; i < 6000; i++) {
        const s = await stats();
        if (s.queued === 0 && s.inFlight === 0) return s;
        await sleep(10);
      }
      throw new Error('the queue did not drain');
    };

    // 1. Publisher cost, alternated: no subscription, then 20.
    const EVENTS = 2000;
    const timePublish = () => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < EVENTS; i++) bell();
      return Number(process.hrtime.bigint() - started) / 1000 / EVENTS;
    };
    const ids: string[] = [];
    const without: number[] = [];
    const withSubs: number[] = [];
    for (let round_ = 0; round_ < 5; round_++) {
      for (const id of ids.splice(0)) await writer.delete(`/api/notifications/subscriptions/${id}`);
      await settle();
      without.push(timePublish());
      for (let n = 0; n < 20; n++) ids.push(await subscribe(n));
      withSubs.push(timePublish());
      await settle();
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const publish = { baselineUsPerEvent: round(median(without), 3), with20UsPerEvent: round(median(withSubs), 3), ratio: round(median(withSubs) / median(without), 2) };
    log(`publisher: ${publish.baselineUsPerEvent} µs/bell without subscriptions, ${publish.with20UsPerEvent} µs/bell with 20 (×${publish.ratio})`);

    // 2. Delivery of 1,000 pushes.
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await sleep(1000);
    idle.disable();
    const before = await settle();
    const acceptedBefore = accepted;
    const busy = monitorEventLoopDelay({ resolution: 1 });
    busy.enable();
    const cpu = process.cpuUsage();
    const started = Date.now();
    for (let i = 0; i < 50; i++) bell();
    const after = await settle();
    const wallMs = Date.now() - started;
    const cpuUsage = process.cpuUsage(cpu);
    busy.disable();
    const delivered = after.delivered - before.delivered;
    const delivery = {
      pushes: delivered,
      receivedByPushService: accepted - acceptedBefore,
      wallMs,
      pushesPerSecond: round(delivered / (wallMs / 1000), 0),
      cpuMsPerPush: round((cpuUsage.user + cpuUsage.system) / 1000 / delivered, 3),
      loopDelayP99IdleMs: round(idle.percentile(99) / 1e6, 1),
      loopDelayP99DuringMs: round(busy.percentile(99) / 1e6, 1),
      failed: after.failed - before.failed,
      dropped: after.dropped - before.dropped,
    };
    log(`delivery: ${delivery.pushes} pushes in ${wallMs} ms (${delivery.pushesPerSecond}/s), ${delivery.cpuMsPerPush} ms CPU per push, loop delay p99 ${delivery.loopDelayP99IdleMs} ms idle → ${delivery.loopDelayP99DuringMs} ms during`);

    const result = { publish, delivery };
    if (json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      process.stdout.write(
        [
          '| measure | value |',
          '|---|---|',
          `| publish a bell, 0 subscriptions (baseline) | ${publish.baselineUsPerEvent} µs |`,
          `| publish a bell, 20 subscriptions | ${publish.with20UsPerEvent} µs (×${publish.ratio}) |`,
          `| deliver 1,000 pushes over loopback | ${wallMs} ms, ${delivery.pushesPerSecond}/s |`,
          `| CPU per push (encrypt, sign, send; push service included) | ${delivery.cpuMsPerPush} ms |`,
          `| event loop delay p99, idle → during delivery | ${delivery.loopDelayP99IdleMs} → ${delivery.loopDelayP99DuringMs} ms |`,
          `| failed / dropped | ${delivery.failed} / ${delivery.dropped} |`,
        ].join('\n') + '\n',
      );
    }
    return delivered === 1000 && delivery.receivedByPushService === 1000 ? 0 : 1;
  } finally {
    await agent.stop();
    await new Promise((resolve) => server.close(resolve));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:notifications failed: ${(error as Error).stack}\n`);
    process.exit(1);
  },
);
