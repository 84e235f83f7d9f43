// Colours for the canvas grids, read from the theme's CSS variables (web/styles/theme.css) so the
// canvases follow the light/dark theme like the rest of the page. A palette is read once and
// cached until the theme changes (watchTheme() notices the data-theme attribute and the system
// colour scheme).

/** The CSS variables the grids paint with. */
export const PALETTE_VARS = [
  "fg",
  "muted",
  "bg",
  "panel",
  "border",
  "accent",
  "page-secs",
  "page-tcs",
  "page-reg",
  "page-va",
  "page-trim",
  "page-free",
  "page-hole",
  "page-evicted",
  "flag-pending",
  "flag-modified",
  "flag-pr",
  "flag-blocked",
  "changed",
  "fault",
  "selected",
  "grid-line",
  "enclave-0",
  "enclave-1",
  "enclave-2",
  "enclave-3",
  "enclave-4",
] as const;

export type PaletteVar = (typeof PALETTE_VARS)[number];

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export interface Palette {
  /** CSS colour strings (for fillStyle/strokeStyle). */
  css: Record<PaletteVar, string>;
  /** The same colours as RGB (for ImageData and contrast). */
  rgb: Record<PaletteVar, Rgb>;
  /** Number of --enclave-N colours. */
  enclaveColours: number;
}

/** Used only when a variable cannot be read at all (e.g. no stylesheet in a unit test). */
const UNREADABLE: Rgb = { r: 128, g: 128, b: 128 };

/** Parses `#rgb`, `#rrggbb`, `#rrggbbaa` and `rgb()/rgba()` colours; null for anything else. */
export function parseColor(value: string): Rgb | null {
  const s = value.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) {
    const [r, g, b] = m[1].split("").map((h) => Number.parseInt(h + h, 16));
    return { r, g, b };
  }
  m = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/.exec(s);
  if (m) {
    const n = Number.parseInt(m[1], 16);
    return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255 };
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(s);
  if (m) return { r: Math.round(Number(m[1])), g: Math.round(Number(m[2])), b: Math.round(Number(m[3])) };
  return null;
}

export function rgbCss(c: Rgb, alpha = 1): string {
  return alpha >= 1 ? `rgb(${c.r}, ${c.g}, ${c.b})` : `rgba(${c.r}, ${c.g}, ${c.b}, ${alpha})`;
}

/** WCAG relative luminance. */
export function luminance(c: Rgb): number {
  const lin = (v: number) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Of the theme's foreground and background, the one that reads best on `fill`. */
export function textOn(p: Palette, fill: Rgb): string {
  return contrast(p.rgb.fg, fill) >= contrast(p.rgb.bg, fill) ? p.css.fg : p.css.bg;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** An opaque colour packed for a Uint32Array view of ImageData bytes (RGBA in memory). */
export function packRgb(c: Rgb): number {
  return littleEndian
    ? ((255 << 24) | (c.b << 16) | (c.g << 8) | c.r) >>> 0
    : ((c.r << 24) | (c.g << 16) | (c.b << 8) | 255) >>> 0;
}

/** Builds a palette from a variable reader (tests pass a plain function). */
export function paletteFrom(read: (name: PaletteVar) => string): Palette {
  const css = {} as Record<PaletteVar, string>;
  const rgb = {} as Record<PaletteVar, Rgb>;
  for (const name of PALETTE_VARS) {
    const parsed = parseColor(read(name));
    const c = parsed ?? UNREADABLE;
    rgb[name] = c;
    css[name] = rgbCss(c);
  }
  return { css, rgb, enclaveColours: 5 };
}

let cached: Palette | null = null;

/** The current theme's palette (cached until the theme changes). */
export function palette(): Palette {
  if (cached) return cached;
  if (typeof document === "undefined" || typeof getComputedStyle !== "function") {
    cached = paletteFrom(() => "");
    return cached;
  }
  const style = getComputedStyle(document.documentElement);
  cached = paletteFrom((name) => style.getPropertyValue(`--${name}`));
  return cached;
}

/** Forget the cached palette (the theme changed). */
export function invalidatePalette(): void {
  cached = null;
}

export function enclaveColour(p: Palette, encl: number): PaletteVar {
  return `enclave-${((encl % p.enclaveColours) + p.enclaveColours) % p.enclaveColours}` as PaletteVar;
}

const PAGE_TYPE_VARS: PaletteVar[] = ["page-secs", "page-tcs", "page-reg", "page-va", "page-trim"];

/** The colour variable of an EPCM page type (SECS 0, TCS 1, REG 2, VA 3, TRIM 4). */
export function pageTypeColour(pt: number): PaletteVar {
  return PAGE_TYPE_VARS[pt] ?? "page-reg";
}

const themeListeners = new Set<() => void>();
let themeWatch: { stop(): void } | null = null;

function notifyTheme(): void {
  invalidatePalette();
  for (const l of themeListeners) l();
}

/**
 * Calls `listener` after the theme changes: the `data-theme` or `data-scheme` (or class/style) attribute of
 * <html>, or the system colour scheme. Returns the unsubscribe function.
 */
export function watchTheme(listener: () => void): () => void {
  themeListeners.add(listener);
  if (!themeWatch && typeof document !== "undefined") {
    const root = document.documentElement;
    const observer =
      typeof MutationObserver === "function"
        ? new MutationObserver(() => {
            // Let the new style apply before reading it.
            notifyTheme();
          })
        : null;
    observer?.observe(root, {
      attributes: true,
      attributeFilter: ["data-theme", "data-scheme", "class", "style"],
    });
    const media = typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: dark)") : null;
    media?.addEventListener?.("change", notifyTheme);
    themeWatch = {
      stop() {
        observer?.disconnect();
        media?.removeEventListener?.("change", notifyTheme);
      },
    };
  }
  return () => {
    themeListeners.delete(listener);
    if (themeListeners.size === 0 && themeWatch) {
      themeWatch.stop();
      themeWatch = null;
    }
  };
}
