import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The app is served from the repository root: index.html loads web/main.tsx, which starts the
// engine in a module Web Worker (engine/worker.ts).
export default defineConfig({
  plugins: [react()],
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
  preview: {
    host: "127.0.0.1",
  },
});
