import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

// The built site's Content-Security-Policy: no inline or foreign script, workers only from the
// site itself (the engine's worker is a same-origin module file). Canvas exports are data:/blob:
// images and downloads; styles set through the CSSOM (React, d3) need no 'unsafe-inline'.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join("; ");

/**
 * The policy as a <meta> in the built index.html, so any static host applies it. Only in
 * builds: the dev server injects inline scripts for hot reload. (frame-ancestors is ignored in
 * a <meta>; embedding in an iframe is allowed on purpose.)
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: "content-security-policy-meta",
    apply: "build",
    transformIndexHtml: () => [
      {
        tag: "meta",
        attrs: { "http-equiv": "Content-Security-Policy", content: CONTENT_SECURITY_POLICY },
        injectTo: "head",
      },
    ],
  };
}

// The app is served from the repository root: index.html loads web/main.tsx, which starts the
// engine in a module Web Worker (engine/worker.ts). `base: "./"` makes every asset URL relative,
// so the built site works from any sub-path (e.g. a project page at /user/epcm-explorer/).
export default defineConfig({
  base: "./",
  plugins: [react(), contentSecurityPolicyMeta()],
  worker: {
    format: "es",
  },
  build: {
    outDir: "dist",
    target: "es2022",
    sourcemap: true,
  },
  server: {
    host: "127.0.0.1",
  },
  // `npm start` and the browser tests serve the build with the same policy as a header.
  preview: {
    host: "127.0.0.1",
    headers: { "Content-Security-Policy": CONTENT_SECURITY_POLICY },
  },
});
