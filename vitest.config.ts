import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Unit tests sit beside the code they test. They run in Node; a web test that needs a DOM
// renders to static markup (react-dom/server) instead of pulling in a browser environment.
export default defineConfig({
  plugins: [react()],
  test: {
    include: ["engine/**/*.test.ts", "web/**/*.test.ts", "web/**/*.test.tsx"],
    exclude: ["**/node_modules/**", "dist/**", "e2e/**"],
    environment: "node",
  },
});
