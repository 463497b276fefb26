import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../version';
import { escapeHtml } from './html-table';

/**
 * Interactive charts without a network: vega, vega-lite and vega-embed (which bundles vega-tooltip) are
 * taken from node_modules and either inlined into an HTML export or served by the local Jupyter server —
 * never from a CDN. Chart specs carry the interaction (tooltip encodings, `bind: 'scales'` zoom/pan;
 * src/analysis/charts/common.ts); vega-embed draws them and shows tooltips. The PNG stays in every chart
 * output as the fallback (shown until the interactive view replaces it, and whenever scripts cannot run:
 * an untrusted notebook, a viewer without JavaScript).
 *
 * Versions: vega 5.33.1 and vega-lite 5.23.0 (pinned, docs/architecture.md §1) with vega-embed 6.29.0 (the
 * last 6.x; peer `vega ^5.21.0`, any vega-lite; 7.x needs vega 6).
 */

/** The browser builds, in load order (vega-embed's UMD wrapper needs `vega` and `vegaLite` first). */
export const VEGA_BROWSER_LIBS: readonly { readonly name: 'vega' | 'vega-lite' | 'vega-embed'; readonly file: string }[] = [
  { name: 'vega', file: join('node_modules', 'vega', 'build', 'vega.min.js') },
  { name: 'vega-lite', file: join('node_modules', 'vega-lite', 'build', 'vega-lite.min.js') },
  { name: 'vega-embed', file: join('node_modules', 'vega-embed', 'build', 'vega-embed.min.js') },
];

/** Read one library's browser build. */
export function readVegaLib(file: string, root: string = PROJECT_ROOT): string {
  return readFileSync(join(root, file), 'utf8');
}

/** vega-embed options used everywhere: no action menu (export links need a network-free page anyway), SVG. */
export const EMBED_OPTIONS = { actions: false, renderer: 'svg' } as const;

/**
 * The `<script>` blocks that define `vega`, `vegaLite` and `vegaEmbed` as globals, for the `<head>` of an HTML
 * export. Pages that also load require.js (nbconvert's template references one on a CDN) would make the UMD
 * builds register anonymous AMD modules instead, so `define` is hidden while they run. `</script` inside a
 * library is escaped so the HTML parser cannot end the block early.
 */
export function inlineVegaScripts(root: string = PROJECT_ROOT): string {
  const parts = ['<script>window.__gmemlabDefine = window.define; window.define = undefined;</script>'];
  for (const lib of VEGA_BROWSER_LIBS) {
    parts.push(`<script data-gmemlab-lib="${lib.name}">${readVegaLib(lib.file, root).replace(/<\/script/gi, '<\\/script')}</script>`);
  }
  parts.push('<script>window.define = window.__gmemlabDefine; delete window.__gmemlabDefine;</script>');
  return parts.join('\n');
}

/** Serialise JSON for a `<script type="application/json">` block (no `</script>`, no `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * The `text/html` form of a chart for an HTML export: a container holding the PNG (fallback), the spec as
 * JSON, and a script that replaces the PNG with the interactive view once `vegaEmbed` (inlined in the page
 * head by `inlineVegaScripts`) has drawn it. `id` must be unique in the page.
 */
export function chartHtml(spec: unknown, pngBase64: string, size: { width: number; height: number }, id: string, alt: string): string {
  const safeId = id.replace(/[^\w-]/g, '_');
  return `<div class="gmemlab-chart" id="${safeId}">
<img class="gmemlab-chart-png" src="data:image/png;base64,${pngBase64}" width="${size.width}" height="${size.height}" alt="${escapeHtml(alt)}">
<div class="gmemlab-chart-view"></div>
<script type="application/json" class="gmemlab-chart-spec">${scriptJson(spec)}</script>
<script>
(function () {
  var root = document.getElementById(${JSON.stringify(safeId)});
  if (!root || typeof window.vegaEmbed !== 'function') return;
  var spec = JSON.parse(root.querySelector('.gmemlab-chart-spec').textContent);
  window.vegaEmbed(root.querySelector('.gmemlab-chart-view'), spec, ${JSON.stringify(EMBED_OPTIONS)}).then(function () {
    root.querySelector('.gmemlab-chart-png').style.display = 'none';
    root.setAttribute('data-interactive', 'true');
  }).catch(function (e) { console.error('gmemlab chart:', e); });
})();
</script>
</div>`;
}

/**
 * `custom.js` for the classic Jupyter Notebook UI (served from `<JUPYTER_CONFIG_DIR>/custom/`, next to the
 * three library files): registers a renderer for the vega-lite MIME type that draws the chart with
 * vega-embed, loaded through the page's require.js from the local server (a failure is said in the output).
 * Outputs drawn before the page loaded this file keep their PNG.
 */
export function classicCustomJs(vegaliteMime: string): string {
  return `// Written by gmemlab (src/display/vega-embed.ts): interactive vega-lite charts in the classic UI, offline.
define(['jquery', 'notebook/js/outputarea'], function ($, oa) {
  'use strict';
  var base = (document.body.getAttribute('data-base-url') || '/').replace(/\\/?$/, '/');
  requirejs.config({ paths: {
    'vega': base + 'custom/vega.min',
    'vega-lite': base + 'custom/vega-lite.min',
    'vega-embed': base + 'custom/vega-embed.min'
  } });
  var MIME = ${JSON.stringify(vegaliteMime)};
  var OutputArea = oa.OutputArea;
  if (OutputArea.append_map[MIME]) return {};
  function append(spec, md, element) {
    var sub = this.create_output_subarea(md, 'output_gmemlab_vega', MIME);
    var view = $('<div class="gmemlab-chart-view"/>');
    sub.append(view);
    element.append(sub);
    requirejs(['vega-embed'], function (vegaEmbed) {
      vegaEmbed(view[0], spec, ${JSON.stringify(EMBED_OPTIONS)}).then(function () {
        sub.attr('data-interactive', 'true');
      }).catch(function (e) { view.text('chart could not be drawn: ' + e); });
    }, function (e) { view.text('vega could not be loaded: ' + e); });
    return sub;
  }
  OutputArea.prototype.register_mime_type(MIME, append, { safe: true, index: 0 });
  return {};
});
`;
}
