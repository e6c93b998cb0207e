import { z } from '../../plugin-api';

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
