/** One parsed metric family of the Prometheus text exposition format. */
export interface PromFamily {
  name: string;
  type: string;
  help: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+(-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;

/**
 * A strict parser for the Prometheus text format (version 0.0.4): every sample must belong to a
 * family announced by `# TYPE` before it, families must not be split or declared twice, label
 * values must be properly escaped, values must be floats. Throws with the line number otherwise.
 */
export function parsePrometheus(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  let current: PromFamily | undefined;
  const closed = new Set<string>();
  text.split('\n').forEach((line, index) => {
    const where = `line ${index + 1}: ${line}`;
    if (line.trim() === '') return;
    const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) ?(.*)$`).exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      let family = families.get(name);
      if (!family) {
        if (current) closed.add(current.name);
        family = { name, type: '', help: '', samples: [] };
        families.set(name, family);
      } else if (closed.has(name) || family.samples.length > 0) throw new Error(`${where}: family ${name} declared after its samples or twice`);
      if (kind === 'TYPE') {
        if (family.type) throw new Error(`${where}: second TYPE for ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`${where}: unknown type ${rest}`);
        family.type = rest;
      } else family.help = rest;
      current = family;
      return;
    }
    if (line.startsWith('#')) return;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`${where}: not a sample line`);
    const [, name, rawLabels = '', rawValue] = sample;
    const familyName = current && (name === current.name || name.startsWith(`${current.name}_`)) ? current.name : name;
    const family = families.get(familyName);
    if (!family || family !== current || !family.type) throw new Error(`${where}: sample outside its family's TYPE block`);
    const labels: Record<string, string> = {};
    let rest = rawLabels;
    while (rest.length > 0) {
      const label = LABEL.exec(rest);
      if (!label) throw new Error(`${where}: bad label syntax at ${rest}`);
      labels[label[1]] = label[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      rest = rest.slice(label[0].length);
    }
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue);
    if (rawValue !== 'NaN' && Number.isNaN(value)) throw new Error(`${where}: value ${rawValue} is not a float`);
    family.samples.push({ name, labels, value });
  });
  return families;
}
