import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Unit tests sit beside the code they test. They run in Node; a web test that needs a DOM says
// so with a `// @vitest-environment happy-dom` comment at its top.
export default defineConfig({
  plugins: [react()],
  test: {
    include: ["engine/**/*.test.ts", "web/**/*.test.ts", "web/**/*.test.tsx"],
    exclude: ["**/node_modules/**", "dist/**", "e2e/**"],
    environment: "node",
  },
});
