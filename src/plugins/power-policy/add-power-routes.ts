import { z, type Disposable, type HttpRoutes } from '../../plugin-api';
import type { PowerPolicyController } from './power-policy-controller';
import { powerViewSchema } from '../../plugin-api';

const holdBody = z.strictObject({
  hold: z.boolean(),
  reason: z.string().trim().min(1).max(200).optional(),
});

/**
 * `GET /api/power` (viewer): the power view. `POST /api/power` (admin), body `{"hold": true|false,
 * "reason"?: string}`: take or drop the manual hold. Dropping it never overrides the policy's own hold.
 */
export function addPowerRoutes(routes: HttpRoutes, controller: PowerPolicyController): Disposable[] {
  return [
    routes.add({
      method: 'GET',
      path: '/api/power',
      access: 'viewer',
      schema: { response: powerViewSchema },
      doc: { summary: 'Power state: held or released, backend, reasons, since, policy', tags: ['power'] },
      handler: () => ({ json: controller.view() }),
    }),
    routes.add({
      method: 'POST',
      path: '/api/power',
      access: 'admin',
      maxBodyBytes: 4096,
      schema: { body: holdBody, response: powerViewSchema },
      doc: {
        summary: 'Take or drop the manual hold (keeps the machine awake regardless of the policy)',
        description: 'Dropping the manual hold never releases the policy\'s own hold; set the policy to never for that.',
        tags: ['power'],
      },
      async handler(request) {
        const who = request.principal?.id ?? 'unknown';
        const reason = request.body.reason ? `${request.body.reason} (by ${who})` : `requested by ${who}`;
        return { json: await controller.setManual(request.body.hold, reason) };
      },
    }),
  ];
}
