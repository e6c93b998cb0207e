const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 120;
const HEIGHT = 32;

/**
 * A tiny line chart of the last values (hand-written SVG: a chart library would be most of the
 * page's size). `max` fixes the scale (100 for percentages); without it the largest value is the top.
 */
export class Sparkline {
  readonly element: SVGSVGElement;
  private readonly line: SVGPolylineElement;
  private readonly values: number[] = [];

  constructor(label: string, private readonly max?: number, private readonly keep = 60) {
    this.element = document.createElementNS(SVG, 'svg');
    this.element.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    this.element.setAttribute('preserveAspectRatio', 'none');
    this.element.setAttribute('class', 'sparkline');
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', label);
    this.line = document.createElementNS(SVG, 'polyline');
    this.line.setAttribute('fill', 'none');
    this.line.setAttribute('stroke', 'currentColor');
    this.line.setAttribute('stroke-width', '1.5');
    this.line.setAttribute('vector-effect', 'non-scaling-stroke');
    this.element.append(this.line);
  }

  /** How many points the chart shows (the browser tests watch it grow). */
  get length(): number {
    return this.values.length;
  }

  push(value: number): void {
    this.values.push(Number.isFinite(value) ? value : 0);
    if (this.values.length > this.keep) this.values.shift();
    const top = this.max ?? Math.max(1, ...this.values);
    // The points span the whole width from the first sample on; a lone point is a flat line.
    const values = this.values.length === 1 ? [this.values[0], this.values[0]] : this.values;
    const step = WIDTH / (values.length - 1);
    this.line.setAttribute('points', values.map((v, i) => `${(i * step).toFixed(1)},${(HEIGHT - 1 - (Math.min(v, top) / top) * (HEIGHT - 2)).toFixed(1)}`).join(' '));
    this.element.dataset.points = String(this.values.length);
  }
}
