import type { AgentFacts, Logger, PlatformInfo, ProcessRunner } from '../plugin-api';
import { PLUGIN_API_VERSION } from '../plugin-api';
import { BootCodes, type BootProblem } from './boot-problem';
import type { PluginRecord } from './plugin-record';
import { withTimeout } from './with-timeout';

const DETECT_TIMEOUT_MS = 5000;

/**
 * Run the gates for one plugin, in order: API version, enabled, platform, config slice, detect().
 * Sets the record's state (`disabled`, `skipped`, `failed` or `ready`) and reason; returns problems
 * that must stop boot.
 */
/** What gating needs from the kernel. */
export interface GateContext {
  platform: PlatformInfo;
  processes: ProcessRunner;
  log: Logger;
  agent: AgentFacts;
}

export async function gatePlugin(record: PluginRecord, { platform, processes, log, agent }: GateContext): Promise<BootProblem[]> {
  const def = record.definition;
  if (def.apiVersion !== PLUGIN_API_VERSION) {
    return fail(record, {
      code: BootCodes.apiVersion,
      plugin: record.id,
      message: `plugin API version ${def.apiVersion} is not supported (this agent implements version ${PLUGIN_API_VERSION})`,
    });
  }
  if (record.settings.enabled === false) {
    return settle(record, 'disabled', `disabled in config (plugins.${record.id}.enabled = false)`);
  }
  if (def.platforms && !def.platforms.includes(platform.platform)) {
    return settle(record, 'skipped', `runs on ${def.platforms.join(', ')} only; this platform is ${platform.platform}`);
  }
  const configProblems = validateSlice(record);
  if (configProblems.length > 0) {
    record.state = 'failed';
    record.reason = `invalid config: ${configProblems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
    return configProblems;
  }
  if (def.detect) {
    const detectLog = log.child({ plugin: record.id });
    try {
      const verdict = await withTimeout(
        Promise.resolve(def.detect({ id: record.id, config: record.config, agent, platform, processes, log: detectLog, which: (cmd) => platform.which(cmd) })),
        DETECT_TIMEOUT_MS,
        `detect() did not answer within ${DETECT_TIMEOUT_MS} ms`,
      );
      if (verdict !== true) return settle(record, 'skipped', typeof verdict === 'string' && verdict ? verdict : 'detect() declined');
    } catch (error) {
      return settle(record, 'skipped', `detect() failed: ${(error as Error).message}`);
    }
  }
  return settle(record, 'ready', null);
}

function validateSlice(record: PluginRecord): BootProblem[] {
  const schema = record.definition.config;
  const input = record.settings.options ?? {};
  if (!schema) {
    record.config = input;
    return [];
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) {
    record.config = parsed.data;
    return [];
  }
  return parsed.error.issues.map((issue) => ({
    code: BootCodes.invalidConfig,
    plugin: record.id,
    message: issue.message,
    path: ['plugins', record.id, 'options', ...issue.path.map(String)].join('.'),
  }));
}

function settle(record: PluginRecord, state: PluginRecord['state'], reason: string | null): BootProblem[] {
  record.state = state;
  record.reason = reason;
  return [];
}

function fail(record: PluginRecord, problem: BootProblem): BootProblem[] {
  record.state = 'failed';
  record.reason = problem.message;
  return [problem];
}
