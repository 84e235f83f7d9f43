// Bundle sizes of a production build: the JavaScript index.html loads on the main thread (its
// module scripts, module preloads and everything they import statically), and the engine's
// worker chunk (the file `new Worker(new URL(...))` names, with its own static imports).
// Dynamic import() chunks are not initial and are not counted.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export interface Sizes {
  main: { files: string[]; raw: number; gzip: number };
  worker: { files: string[]; raw: number; gzip: number };
}

/** Static `import … from "x.js"`, `import "x.js"` and `export … from "x.js"` targets (not import()). */
export function staticImports(code: string): string[] {
  const out: string[] = [];
  const re = /\b(?:import|export)\s*(?:[^"'`();]*?\bfrom\s*)?["'`]([^"'`]+\.js)["'`]/g;
  for (let m = re.exec(code); m; m = re.exec(code)) out.push(m[1]);
  return out;
}

/** Files (relative to `dist`) and their text: `entries` and everything they import statically. */
function closure(dist: string, entries: string[]): Map<string, string> {
  const files = new Map<string, string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const rel = queue.shift() as string;
    if (files.has(rel)) continue;
    const file = path.join(dist, rel);
    if (!existsSync(file)) throw new Error(`${rel} is referenced but not in the build`);
    const code = readFileSync(file, "utf8");
    files.set(rel, code);
    for (const spec of staticImports(code)) {
      if (/^[a-z]+:/i.test(spec)) continue;
      queue.push(
        spec.startsWith("/")
          ? spec.slice(1)
          : path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)),
      );
    }
  }
  return files;
}

function measure(files: Map<string, string>) {
  let raw = 0;
  let gzip = 0;
  for (const code of files.values()) {
    const b = Buffer.from(code);
    raw += b.length;
    gzip += gzipSync(b, { level: 9 }).length;
  }
  return { files: [...files.keys()], raw, gzip };
}

export function bundleSizes(dist: string): Sizes {
  const html = readFileSync(path.join(dist, "index.html"), "utf8");
  const entries: string[] = [];
  const tag = /<(script|link)\b[^>]*>/g;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const t = m[0];
    const src = /\b(?:src|href)="([^"]+)"/.exec(t)?.[1];
    if (!src || /^[a-z]+:/i.test(src)) continue;
    const isModule = m[1] === "script" && /type="module"/.test(t);
    const isPreload = m[1] === "link" && /rel="modulepreload"/.test(t);
    if (isModule || isPreload) entries.push(src.replace(/^\//, ""));
  }
  if (entries.length === 0) throw new Error("index.html loads no module script");
  const main = closure(dist, entries);
  const workers = new Set<string>();
  for (const [rel, code] of main) {
    // With a relative base ("./") Vite wraps the worker's URL once more: new URL(new URL(`w.js`, …).href, …).
    const re = /new\s+Worker\(\s*new\s+URL\(\s*(?:new\s+URL\(\s*)?["'`]([^"'`]+)["'`]/g;
    for (let m = re.exec(code); m; m = re.exec(code))
      workers.add(
        m[1].startsWith("/")
          ? m[1].slice(1)
          : path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1])),
      );
  }
  return { main: measure(main), worker: measure(closure(dist, [...workers])) };
}
