/**
 * The `--scale` curves as an SVG (hand-written: no plotting dependency). Two rows of three small
 * charts: agent RSS, agent CPU (cores) and keystroke p99, against sessions (idle, and 10 % printing)
 * and against clients on one session. x axes are logarithmic with a tick at every measured point.
 */
export interface Series {
  label: string;
  colour: string;
  points: Array<{ x: number; y: number }>;
}

export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** A bar to draw as a dashed line (e.g. the 5 ms keystroke bar). */
  bar?: { y: number; label: string };
}

const W = 300;
const H = 210;
const PAD = { left: 48, right: 12, top: 28, bottom: 40 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function chart(c: Chart, ox: number, oy: number): string {
  const xs = [...new Set(c.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const ys = c.series.flatMap((s) => s.points.map((p) => p.y)).filter(Number.isFinite);
  const yMax = Math.max(...ys, c.bar?.y ?? 0, 1e-9) * 1.1;
  const lx = (x: number): number => Math.log10(Math.max(x, 1));
  const [x0, x1] = [lx(xs[0] ?? 1), lx(xs[xs.length - 1] ?? 10)];
  const px = (x: number): number => ox + PAD.left + ((lx(x) - x0) / Math.max(x1 - x0, 1e-9)) * (W - PAD.left - PAD.right);
  const py = (y: number): number => oy + H - PAD.bottom - (y / yMax) * (H - PAD.top - PAD.bottom);
  const out: string[] = [];
  out.push(`<text x="${ox + W / 2}" y="${oy + 16}" text-anchor="middle" font-weight="bold">${esc(c.title)}</text>`);
  out.push(`<line x1="${ox + PAD.left}" y1="${py(0)}" x2="${ox + W - PAD.right}" y2="${py(0)}" stroke="#444"/>`);
  out.push(`<line x1="${ox + PAD.left}" y1="${py(0)}" x2="${ox + PAD.left}" y2="${oy + PAD.top}" stroke="#444"/>`);
  for (const x of xs) out.push(`<text x="${px(x)}" y="${py(0) + 14}" text-anchor="middle">${x}</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = (yMax / 1.1) * (i / 4);
    out.push(`<line x1="${ox + PAD.left - 3}" y1="${py(y)}" x2="${ox + W - PAD.right}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${ox + PAD.left - 5}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
  }
  out.push(`<text x="${ox + W / 2}" y="${oy + H - 8}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  out.push(`<text x="${ox + 12}" y="${oy + (H - PAD.bottom + PAD.top) / 2}" text-anchor="middle" transform="rotate(-90 ${ox + 12} ${oy + (H - PAD.bottom + PAD.top) / 2})">${esc(c.yLabel)}</text>`);
  if (c.bar) {
    out.push(`<line x1="${ox + PAD.left}" y1="${py(c.bar.y)}" x2="${ox + W - PAD.right}" y2="${py(c.bar.y)}" stroke="#c00" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${ox + W - PAD.right}" y="${py(c.bar.y) - 3}" text-anchor="end" fill="#c00">${esc(c.bar.label)}</text>`);
  }
  c.series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.y));
    out.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${pts.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="${s.colour}"/>`);
    if (c.series.length > 1) out.push(`<text x="${ox + PAD.left + 6}" y="${oy + PAD.top + 12 + i * 13}" fill="${s.colour}">${esc(s.label)}</text>`);
  });
  return out.join('\n');
}

/** An SVG with `rows` of charts (three per row), a title and a footnote. */
export function renderScaleSvg(title: string, rows: Chart[][], footnote: string): string {
  const cols = Math.max(...rows.map((r) => r.length));
  const width = cols * W;
  const height = rows.length * H + 50;
  const body = rows.flatMap((row, r) => row.map((c, i) => chart(c, i * W, 30 + r * H)));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>
${body.join('\n')}
<text x="8" y="${height - 6}" fill="#555">${esc(footnote)}</text>
</svg>
`;
}
