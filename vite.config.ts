import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { build, defineConfig, type LogLevel, type Plugin } from "vite";

/**
 * After the app is written, builds the chat widget (vite.widget.config.ts) into dist/web/widget,
 * so every `vite build` (npm run build, the test scripts, npm start) ships both and the app's
 * `emptyOutDir` can never leave a stale or missing widget behind.
 */
function universalChatWidget(): Plugin {
  let logLevel: LogLevel = "info";
  return {
    name: "brine:universal-chat-widget",
    apply: "build",
    configResolved(config) {
      logLevel = config.logLevel ?? "info";
    },
    async closeBundle() {
      await build({ configFile: fileURLToPath(new URL("./vite.widget.config.ts", import.meta.url)), logLevel });
    },
  };
}

// Builds the Preact app into dist/web, which the Worker serves as static assets.
export default defineConfig({
  root: "web",
  publicDir: "public",
  plugins: [preact(), universalChatWidget()],
  build: { outDir: "../dist/web", emptyOutDir: true, sourcemap: true },
});
