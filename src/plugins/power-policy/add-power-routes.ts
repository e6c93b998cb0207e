import { HttpError, z, type Disposable, type HttpRoutes } from '../../plugin-api';
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
      doc: { summary: 'Power state: held or released, backend, reasons, since, policy', tags: ['power'], response: powerViewSchema },
      handler: () => ({ json: controller.view() }),
    }),
    routes.add({
      method: 'POST',
      path: '/api/power',
      access: 'admin',
      maxBodyBytes: 4096,
      doc: {
        summary: 'Take or drop the manual hold (keeps the machine awake regardless of the policy)',
        description: 'Dropping the manual hold never releases the policy\'s own hold; set the policy to never for that.',
        tags: ['power'],
        request: holdBody,
        response: powerViewSchema,
      },
      async handler(request) {
        const parsed = holdBody.safeParse(request.body);
        if (!parsed.success) {
          const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
          throw new HttpError(400, 'TF_ERR_BAD_REQUEST', `expected {"hold": true|false, "reason"?: string} (${detail})`);
        }
        const who = request.principal?.id ?? 'unknown';
        const reason = parsed.data.reason ? `${parsed.data.reason} (by ${who})` : `requested by ${who}`;
        return { json: await controller.setManual(parsed.data.hold, reason) };
      },
    }),
  ];
}
