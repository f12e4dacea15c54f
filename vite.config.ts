import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// Builds the Preact app into dist/web, which the Worker serves as static assets.
export default defineConfig({
  root: "web",
  publicDir: "public",
  plugins: [preact()],
  build: { outDir: "../dist/web", emptyOutDir: true, sourcemap: true },
});
