import { mkdirSync } from 'node:fs';
import { chromium, type BrowserContext, type ElementHandle, type Page } from 'playwright-core';
import { ensureToolDirs, toolEnv, toolPaths, type ToolHomeOptions } from './tool-env';

/**
 * Headless Chromium for checks that charts really render (the browser test opens nbconvert's HTML export).
 * Debian's `/usr/bin/chromium` driven by playwright-core; the profile lives in
 * `.gmemlab-cache/chromium-profile` and the process gets the project's tool environment (HOME, XDG folders),
 * so nothing is written outside the project. Pages may load only `file:` and `data:` URLs: exports must
 * show their charts offline.
 */

export const CHROMIUM = '/usr/bin/chromium';

/** The flags gmemlab runs Chromium with: headless as root without a sandbox, and no background connections (this machine kind has no network: Chromium would keep trying). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
];

/**
 * Start Chromium with the project profile (`--user-data-dir`), or with a profile, HOME and XDG folders inside
 * `opts.home` (the notebook test's private home). Close the returned context when done.
 */
export async function openChromium(projectRoot: string, opts: ToolHomeOptions = {}): Promise<BrowserContext> {
  ensureToolDirs(projectRoot, opts);
  const profile = toolPaths(projectRoot, opts).chromiumProfile;
  mkdirSync(profile, { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(toolEnv(projectRoot, process.env, opts))) if (v !== undefined) env[k] = v;
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    env,
    viewport: { width: 1280, height: 900 },
  });
}

/** Open a local file with every non-local request blocked. */
export async function openOffline(context: BrowserContext, fileUrl: string): Promise<Page> {
  const page = await context.newPage();
  await page.route('**/*', (route) => {
    const url = route.request().url();
    return url.startsWith('file:') || url.startsWith('data:') ? route.continue() : route.abort();
  });
  await page.goto(fileUrl, { waitUntil: 'load' });
  return page;
}

/** What an on-screen element looks like, from a screenshot of it. */
export interface PixelStats {
  readonly width: number;
  readonly height: number;
  /** Distinct RGB colours in the screenshot. A blank box has 1. */
  readonly distinctColours: number;
  /** Share of pixels that are not (near) white. */
  readonly inkFraction: number;
}

/**
 * Screenshot `element` as the user sees it and measure its pixels. The PNG is decoded by Chromium itself
 * (a canvas in a blank page), so no image library is needed.
 */
export async function elementPixelStats(context: BrowserContext, element: ElementHandle): Promise<PixelStats> {
  const shot = await element.screenshot({ type: 'png' });
  const page = await context.newPage();
  try {
    // Runs in the page (a string: the project is compiled without DOM types).
    const measure = `(async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const g = canvas.getContext('2d');
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set();
      let ink = 0;
      for (let i = 0; i < px.length; i += 4) {
        colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
        if (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240) ink++;
      }
      return { width: canvas.width, height: canvas.height, distinctColours: colours.size, inkFraction: ink / (px.length / 4) };
    })(${JSON.stringify(shot.toString('base64'))})`;
    return (await page.evaluate(measure)) as PixelStats;
  } finally {
    await page.close();
  }
}
