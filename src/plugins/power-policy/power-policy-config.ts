import { defineSettingsSection, z } from '../../plugin-api';

/** Config slice of `power-policy` (`plugins.power-policy.options`). */
export const powerPolicyConfigSchema = z.object({
  /**
   * `while-sessions` (default): keep the machine awake while at least one session runs or has a
   * client attached. `always`: as long as the agent runs. `never`: only manual holds (`POST /api/power`).
   */
  policy: z.enum(['never', 'while-sessions', 'always']).default('while-sessions'),
});

/** Validated config of `power-policy`. */
export type PowerPolicyConfig = z.output<typeof powerPolicyConfigSchema>;

/** The policy names. */
export type PowerPolicyName = PowerPolicyConfig['policy'];

/**
 * The `power` run-time settings section: the policy, changed without a restart. Unset (`null` in a
 * PATCH resets it): the config's `policy`.
 */
export const powerSettingsSection = defineSettingsSection({
  key: 'power',
  description: 'When the machine stays awake: never, while sessions run, or always (unset: the config file\'s policy)',
  schema: z.strictObject({ policy: powerPolicyConfigSchema.shape.policy.unwrap().optional() }),
});
