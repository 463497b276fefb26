import { renderChart } from '../render';
import type { TopLevelSpec } from './common';
import { deltaE } from './colour';

/**
 * The readability check every chart test runs (issue 16): a chart must be readable as rendered, not just
 * valid. It renders the spec (src/analysis/render.ts) and reports, as sentences:
 *
 * - size: the rendered chart within `minWidthPx…maxWidthPx` × `minHeightPx…maxHeightPx` CSS px (a 5000 px
 *   wide figure is unreadable in a notebook and in a paper);
 * - truncation: a drawn text ending in `…` (vega cuts labels, legend entries and titles at their limit);
 * - distinguishable series: every colour range of a colour encoding at most `maxSeries` colours, each pair
 *   at least `minColorDeltaE` apart (CIEDE2000 `deltaE`; 1 is a just-noticeable difference, thin lines
 *   and small points need far more);
 * - a dash legend (`strokeDash` encoding) must draw strokes (`legend.symbolType: 'stroke'`), or solid and
 *   dashed entries look like identical dots, and its symbols need a stroke colour, or they are invisible;
 * - a log scale must not hold values ≤ 0 in the chart's inline data (they cannot be drawn and end up pinned
 *   to the axis edge or dropped);
 * - two legends listing the same entries (one thing explained twice).
 */

/** Limits of `readabilityProblems`. */
export interface ReadabilityLimits {
  readonly maxWidthPx: number;
  readonly maxHeightPx: number;
  readonly minWidthPx: number;
  readonly minHeightPx: number;
  readonly maxSeries: number;
  readonly minColorDeltaE: number;
}

export const DEFAULT_READABILITY: ReadabilityLimits = {
  maxWidthPx: 1400, maxHeightPx: 1400, minWidthPx: 200, minHeightPx: 120, maxSeries: 12, minColorDeltaE: 15,
};

type Json = Record<string, unknown>;

/** Every object in a spec (depth first), with its key path. */
function walk(node: unknown, visit: (o: Json, path: string) => void, path = ''): void {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, visit, `${path}[${i}]`));
  else if (node && typeof node === 'object') {
    visit(node as Json, path);
    for (const [k, v] of Object.entries(node as Json)) walk(v, visit, path ? `${path}.${k}` : k);
  }
}

function decode(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The texts of the SVG's `<text>` elements. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => decode(m[1]!.replace(/<[^>]+>/g, '')));
}

/** Label lists of each legend drawn in the SVG (vega marks them `role-legend-label`). */
export function svgLegends(svg: string): string[][] {
  const out: string[][] = [];
  for (const part of svg.split(/class="[^"]*role-legend"/).slice(1)) {
    // each entry's label is the first text after a `role-legend-label` group opens
    const labels = part.split(/class="[^"]*role-legend-label"/).slice(1).map((chunk) => svgTexts(chunk)[0] ?? '').filter((t) => t !== '');
    if (labels.length) out.push(labels);
  }
  return out;
}

/** Problems of a spec and its rendering (pure; see the module comment). */
export function readabilityProblems(spec: TopLevelSpec, rendered: { svg: string; widthPx: number; heightPx: number }, limits: Partial<ReadabilityLimits> = {}): string[] {
  const L = { ...DEFAULT_READABILITY, ...limits };
  const problems: string[] = [];
  const w = Math.round(rendered.widthPx);
  const h = Math.round(rendered.heightPx);
  if (w > L.maxWidthPx || h > L.maxHeightPx) problems.push(`too large: ${w}×${h} px (at most ${L.maxWidthPx}×${L.maxHeightPx})`);
  if (w < L.minWidthPx || h < L.minHeightPx) problems.push(`too small: ${w}×${h} px (at least ${L.minWidthPx}×${L.minHeightPx})`);
  for (const t of svgTexts(rendered.svg)) if (t.endsWith('…')) problems.push(`truncated text: "${t}"`);
  const rootData = ((spec as unknown as Json).data as Json | undefined)?.values;
  walk(spec, (o, path) => {
    const color = o.color as Json | undefined;
    const range = (color?.scale as Json | undefined)?.range;
    if (Array.isArray(range) && range.every((c) => typeof c === 'string' && /^#[0-9a-f]{6}$/i.test(c))) {
      const cs = range as string[];
      if (cs.length > L.maxSeries) problems.push(`${path}.color: ${cs.length} colours (at most ${L.maxSeries} can be told apart)`);
      for (let i = 0; i < cs.length; i++) {
        for (let j = i + 1; j < cs.length; j++) {
          const d = deltaE(cs[i]!, cs[j]!);
          if (d < L.minColorDeltaE) problems.push(`${path}.color: ${cs[i]} and ${cs[j]} are too alike (ΔE ${d.toFixed(1)} < ${L.minColorDeltaE})`);
        }
      }
    }
    const dash = o.strokeDash as Json | undefined;
    if (dash && typeof dash === 'object' && !Array.isArray(dash) && typeof dash.field === 'string' && dash.legend !== null) {
      if ((dash.legend as Json | undefined)?.symbolType !== 'stroke') problems.push(`${path}.strokeDash: its legend draws dots, not dashes (set legend.symbolType 'stroke'; STROKE_LEGEND)`);
    }
    for (const ch of ['x', 'y']) {
      const enc = o[ch] as Json | undefined;
      if (!enc || typeof enc.field !== 'string' || (enc.scale as Json | undefined)?.type !== 'log') continue;
      const data = ((o.data as Json | undefined)?.values ?? rootData) as Json[] | undefined;
      const bad = Array.isArray(data) ? data.filter((d) => typeof d[enc.field as string] === 'number' && (d[enc.field as string] as number) <= 0).length : 0;
      if (bad > 0) problems.push(`${path}.${ch}: log scale but ${bad} value(s) ≤ 0 in '${enc.field}'`);
    }
  });
  // dashed legend symbols drawn without a stroke colour are invisible (vega-lite leaves it unset)
  const dashSymbols = [...rendered.svg.matchAll(/role-legend-symbol"[^>]*><path\b([^>]*)>/g)].map((m) => m[1]!).filter((a) => /stroke-dasharray=/.test(a));
  if (dashSymbols.some((a) => !/\sstroke="(?!none|transparent)[^"]+"/.test(a))) problems.push('dash legend symbols have no stroke colour (invisible)');
  const legends = svgLegends(rendered.svg).map((l) => JSON.stringify(l));
  const dup = legends.find((l, i) => legends.indexOf(l) !== i);
  if (dup !== undefined) problems.push(`two legends list the same entries: ${dup}`);
  return problems;
}

/** Render `spec` and return its readability problems (empty = readable). */
export async function checkReadability(spec: TopLevelSpec, limits: Partial<ReadabilityLimits> = {}): Promise<string[]> {
  const chart = await renderChart(spec, { scale: 1 });
  return [...chart.warnings.map((w) => `vega warning: ${w}`), ...readabilityProblems(spec, chart, limits)];
}
