// Browser test plumbing: Debian's Chromium driven headless by playwright-core, and the static server for built pages.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { StaticServer } from "../../scripts/serve.mjs";
import { repoRoot } from "../shared.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** scripts/serve.mjs, loaded from the repository (tests run from dist/, the script is not compiled). */
export async function serve(root: string, extra: Record<string, string> = {}): Promise<StaticServer> {
  const mod = (await import(pathToFileURL(join(repoRoot, "scripts", "serve.mjs")).href)) as typeof import("../../scripts/serve.mjs");
  return mod.startServer({ root, port: 0, extra });
}

/** A built folder under dist/, or a clear failure telling how to build it. */
export function builtFolder(name: string, how: string): string {
  const dir = join(repoRoot, "dist", name);
  if (!existsSync(join(dir, "index.html"))) throw new Error(`${dir}/index.html is missing: run ${how} first`);
  return dir;
}

/**
 * Headless Chromium with a fresh profile and no background networking (this machine has no network, and a test must
 * not need one). Fails, never skips, when Chromium is not installed.
 */
export async function launch(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  const profile = mkdtempSync(join(tmpdir(), "qdf-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Pixel counts of a PNG (a screenshot), decoded by the browser itself: all, not white, and of a hue band (degrees). */
export async function pixelCounts(page: Page, png: Buffer, hue: [number, number]): Promise<{ total: number; nonWhite: number; inHue: number }> {
  return page.evaluate(async ({ b64, hue }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext("2d")!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let nonWhite = 0, inHue = 0;
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i]!, gr = d[i + 1]!, b = d[i + 2]!;
      if (r < 245 || gr < 245 || b < 245) nonWhite++;
      const max = Math.max(r, gr, b), min = Math.min(r, gr, b);
      if (max - min < 40) continue; // grey or white: no hue to speak of
      const h = max === r ? ((gr - b) / (max - min)) * 60 : max === gr ? (2 + (b - r) / (max - min)) * 60 : (4 + (r - gr) / (max - min)) * 60;
      const deg = (h + 360) % 360;
      if (deg >= hue[0] && deg <= hue[1]) inHue++;
    }
    return { total: d.length / 4, nonWhite, inHue };
  }, { b64: png.toString("base64"), hue });
}
