/**
 * `npm run bench -- --scale`: how the agent's cost grows. Sessions 1, 10, 100, 500 (all idle, and
 * 10 % printing with a viewer each), then 1, 10, 50, 200 clients on one session; at each point the
 * agent's RSS, its CPU (cores, over the keystroke window) and keystroke p50/p99 in a watched echo
 * session. Writes the curves as an SVG.
 */
import { writeFileSync } from 'node:fs';
import { renderScaleSvg, type Chart, type Series } from './scale-svg';
import { scalePoint, type ScalePoint } from './session-scale';
import type { BenchContext } from './scenarios';

export const SCALE_SESSIONS = [1, 10, 100, 500];
export const SCALE_CLIENTS = [1, 10, 50, 200];

export interface ScaleResult {
  idle: ScalePoint[];
  printing: ScalePoint[];
  clients: ScalePoint[];
}

export async function scaleRun(ctx: BenchContext, svgFile: string, machine: string): Promise<ScaleResult> {
  const result: ScaleResult = { idle: [], printing: [], clients: [] };
  for (const n of SCALE_SESSIONS) {
    const p = await scalePoint(ctx, n, 0, 0);
    result.idle.push(p);
    ctx.log(`scale: ${n} idle sessions: RSS ${p.agentRssMiB} MiB, ${p.agentCores} cores, keystroke p99 ${p.keystrokeP99Ms} ms`);
    const printing = Math.max(n >= 10 ? n / 10 : 0, 0);
    if (printing > 0) {
      const q = await scalePoint(ctx, n, printing, 0);
      result.printing.push(q);
      ctx.log(`scale: ${n} sessions, ${printing} printing: RSS ${q.agentRssMiB} MiB, ${q.agentCores} cores, keystroke p99 ${q.keystrokeP99Ms} ms`);
    }
  }
  for (const c of SCALE_CLIENTS) {
    const p = await scalePoint(ctx, 0, 0, c - 1);
    result.clients.push(p);
    ctx.log(`scale: ${c} clients on one session: RSS ${p.agentRssMiB} MiB, ${p.agentCores} cores, keystroke p99 ${p.keystrokeP99Ms} ms`);
  }
  const busy = [...result.idle, ...result.printing, ...result.clients].map((p) => p.machineBusyCores);
  writeFileSync(svgFile, svg(result, `${machine}; whole machine busy ${Math.min(...busy)}–${Math.max(...busy)} cores during the points`));
  return result;
}

function svg(r: ScaleResult, machine: string): string {
  const series = (label: string, colour: string, points: ScalePoint[], x: (p: ScalePoint) => number, y: (p: ScalePoint) => number): Series =>
    ({ label, colour, points: points.map((p) => ({ x: x(p), y: y(p) })) });
  const bySessions = (y: (p: ScalePoint) => number): Series[] => [
    series('all idle', '#1f77b4', r.idle, (p) => p.sessions, y),
    series('10 % printing', '#ff7f0e', r.printing, (p) => p.sessions, y),
  ];
  const byClients = (y: (p: ScalePoint) => number): Series[] => [series('clients', '#2ca02c', r.clients, (p) => p.clientsOnProbe, y)];
  const rows: Chart[][] = [
    [
      { title: 'agent RSS', xLabel: 'sessions', yLabel: 'MiB', series: bySessions((p) => p.agentRssMiB) },
      { title: 'agent CPU', xLabel: 'sessions', yLabel: 'cores', series: bySessions((p) => p.agentCores) },
      { title: 'keystroke p99', xLabel: 'sessions', yLabel: 'ms', series: bySessions((p) => p.keystrokeP99Ms), bar: { y: 5, label: '5 ms bar' } },
    ],
    [
      { title: 'agent RSS', xLabel: 'clients on one session', yLabel: 'MiB', series: byClients((p) => p.agentRssMiB) },
      { title: 'agent CPU', xLabel: 'clients on one session', yLabel: 'cores', series: byClients((p) => p.agentCores) },
      { title: 'keystroke p99', xLabel: 'clients on one session', yLabel: 'ms', series: byClients((p) => p.keystrokeP99Ms), bar: { y: 2, label: '2 ms bar' } },
    ],
  ];
  return renderScaleSvg('TunnelForge: cost as sessions and clients grow (npm run bench -- --scale)', rows, machine);
}
