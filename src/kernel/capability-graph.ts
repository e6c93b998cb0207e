import type { Token } from '../plugin-api';
import { BootCodes, type BootProblem } from './boot-problem';
import type { PluginRecord } from './plugin-record';

/** The outcome of resolving who provides what. */
export interface CapabilityGraph {
  /** Ready plugins in activation order: providers before their consumers. */
  order: PluginRecord[];
  /** Capability id → ready providers (plugin ids), in the order consumers see them. */
  providers: Map<string, string[]>;
  problems: BootProblem[];
}

type Selection = Record<string, string | string[]>;

/**
 * Decide the providers of every capability, skip what cannot run, and order activation.
 * Mutates records that get skipped (with a reason); never throws.
 */
export function resolveCapabilityGraph(records: PluginRecord[], selection: Selection): CapabilityGraph {
  const problems: BootProblem[] = [];
  const byId = new Map(records.map((r) => [r.id, r]));
  const tokens = knownTokens(records);
  const ready = () => records.filter((r) => r.state === 'ready');

  applySelection(records, byId, tokens, selection, problems);

  // Missing capabilities cascade: a plugin whose provider was skipped is skipped too (or is a problem if required).
  for (let changed = true; changed; ) {
    changed = false;
    for (const record of ready()) {
      for (const token of record.definition.requires ?? []) {
        if (token.kind === 'core' || providersOf(ready(), token.id).length > 0) continue;
        const candidates = records.filter((r) => r !== record && provides(r, token.id));
        if (candidates.length === 0 || record.required) {
          problems.push({
            code: BootCodes.missingCapability,
            plugin: record.id,
            message: candidates.length === 0
              ? `requires ${token.id}, which no plugin provides`
              : `requires ${token.id}, but its providers cannot run: ${candidates.map((c) => `${c.id} (${c.state}: ${c.reason ?? 'not ready'})`).join(', ')}`,
          });
          record.state = 'failed';
          record.reason = `requires ${token.id}, which no active plugin provides`;
        } else {
          record.state = 'skipped';
          record.reason = `requires ${token.id}, but ${candidates.map((c) => `${c.id} is ${c.state}`).join(', ')}`;
        }
        changed = true;
        break;
      }
    }
  }

  // After the cascade, so a fallback stays when the plugin that would replace it was skipped.
  skipCoveredFallbacks(ready());

  const providers = new Map<string, string[]>();
  for (const [id, token] of tokens) {
    const list = orderProviders(providersOf(ready(), id).map((r) => r.id), selection[id]);
    if (!token.multiple && list.length > 1) {
      problems.push({
        code: BootCodes.duplicateProvider,
        plugin: list.join(', '),
        message: `${id} can have one provider, but ${list.join(' and ')} are both active; pick one with capabilities.${id} = '<plugin id>'`,
        path: `capabilities.${id}`,
      });
    }
    providers.set(id, list);
  }

  const { order, cycle } = topologicalOrder(ready(), providers);
  if (cycle) {
    problems.push({ code: BootCodes.cycle, plugin: cycle[0], message: `dependency cycle: ${cycle.join(' → ')}` });
  }
  return { order, providers, problems };
}

function knownTokens(records: PluginRecord[]): Map<string, Token<unknown>> {
  const tokens = new Map<string, Token<unknown>>();
  for (const r of records) {
    for (const t of [...(r.definition.provides ?? []), ...(r.definition.requires ?? []), ...(r.definition.optional ?? [])]) {
      if (t.kind === 'capability' && !tokens.has(t.id)) tokens.set(t.id, t);
    }
  }
  return tokens;
}

function provides(record: PluginRecord, tokenId: string): boolean {
  return (record.definition.provides ?? []).some((t) => t.id === tokenId);
}

function providersOf(records: PluginRecord[], tokenId: string): PluginRecord[] {
  return records.filter((r) => provides(r, tokenId));
}

/** Config `capabilities.<Name>`: the chosen provider(s) win, other ready providers are skipped. */
function applySelection(records: PluginRecord[], byId: Map<string, PluginRecord>, tokens: Map<string, Token<unknown>>, selection: Selection, problems: BootProblem[]): void {
  for (const [name, choice] of Object.entries(selection)) {
    const path = `capabilities.${name}`;
    const token = tokens.get(name);
    if (!token) {
      problems.push({ code: BootCodes.unknownCapability, plugin: null, message: `unknown capability "${name}" (known: ${[...tokens.keys()].sort().join(', ')})`, path });
      continue;
    }
    const chosen = Array.isArray(choice) ? choice : [choice];
    if (!token.multiple && chosen.length !== 1) {
      problems.push({ code: BootCodes.duplicateProvider, plugin: null, message: `${name} can have one provider; name exactly one plugin id`, path });
      continue;
    }
    let valid = true;
    for (const id of chosen) {
      const record = byId.get(id);
      if (!record) {
        problems.push({ code: BootCodes.unknownPlugin, plugin: id, message: `unknown plugin "${id}" selected for ${name}`, path });
        valid = false;
      } else if (!provides(record, name)) {
        problems.push({ code: BootCodes.unknownPlugin, plugin: id, message: `plugin "${id}" does not provide ${name}`, path });
        valid = false;
      } else if (record.state !== 'ready' && !token.multiple) {
        problems.push({ code: BootCodes.missingCapability, plugin: id, message: `${name} is set to ${id}, which cannot run: ${record.reason ?? record.state}`, path });
        valid = false;
      }
    }
    if (!valid) continue;
    for (const record of providersOf(records, name)) {
      if (record.state === 'ready' && !chosen.includes(record.id)) {
        record.state = 'skipped';
        record.reason = `not selected: ${path} = ${JSON.stringify(choice)}`;
      }
    }
  }
}

/** A fallback plugin stands down when every capability it provides has another ready provider. */
function skipCoveredFallbacks(ready: PluginRecord[]): void {
  for (const record of ready.filter((r) => r.definition.fallback)) {
    const covering = (record.definition.provides ?? []).map((t) => ready.find((o) => o !== record && !o.definition.fallback && provides(o, t.id)));
    if (covering.length > 0 && covering.every(Boolean)) {
      record.state = 'skipped';
      record.reason = `fallback not needed: ${[...new Set(covering.map((o) => o!.id))].join(', ')} provides ${(record.definition.provides ?? []).map((t) => t.id).join(', ')}`;
    }
  }
}

function orderProviders(ids: string[], choice: string | string[] | undefined): string[] {
  if (!Array.isArray(choice)) return ids;
  return [...ids].sort((a, b) => choice.indexOf(a) - choice.indexOf(b));
}

/** Depth-first order over "uses" edges (requires + optional); returns the first cycle found. */
function topologicalOrder(ready: PluginRecord[], providers: Map<string, string[]>): { order: PluginRecord[]; cycle: string[] | null } {
  const byId = new Map(ready.map((r) => [r.id, r]));
  const order: PluginRecord[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  let cycle: string[] | null = null;

  const visit = (record: PluginRecord, stack: string[]): void => {
    if (cycle || state.get(record.id) === 'done') return;
    if (state.get(record.id) === 'visiting') {
      cycle = [...stack.slice(stack.indexOf(record.id)), record.id];
      return;
    }
    state.set(record.id, 'visiting');
    const uses = [...(record.definition.requires ?? []), ...(record.definition.optional ?? [])];
    for (const token of uses) {
      for (const providerId of providers.get(token.id) ?? []) {
        const provider = byId.get(providerId);
        if (provider && provider !== record) visit(provider, [...stack, record.id]);
      }
    }
    state.set(record.id, 'done');
    order.push(record);
  };
  for (const record of ready) visit(record, []);
  return { order, cycle };
}
