import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// Builds the Universal Chat widget (web/widget/) into one self-contained ES module,
// dist/web/widget/universal-chat.js, which the Worker serves as a static asset to other sites.
// It runs after the app's build (see vite.config.ts) and must not empty dist/web.
export default defineConfig({
  plugins: [preact()],
  // Library mode leaves `process.env.NODE_ENV` as is; a browser on another site has no `process`.
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  build: {
    outDir: fileURLToPath(new URL("./dist/web/widget", import.meta.url)),
    emptyOutDir: false,
    copyPublicDir: false,
    // A lib build keeps whitespace for other bundlers; this file goes straight to browsers.
    rolldownOptions: { output: { minify: true } },
    sourcemap: true,
    target: "es2022",
    lib: {
      entry: fileURLToPath(new URL("./web/widget/universal-chat.tsx", import.meta.url)),
      formats: ["es"],
      fileName: () => "universal-chat.js",
    },
  },
});
