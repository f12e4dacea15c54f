import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

// Worker tests run inside workerd with real D1 and R2; migrations are applied in setup.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(new URL("../../migrations", import.meta.url).pathname);
  return {
    plugins: [
      cloudflareTest({
        main: "./workers/index.ts",
        wrangler: { configPath: "./wrangler.toml", environment: "test" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            SIGNING_SECRET: "test-signing-secret-0123456789abcdef0123456789abcdef",
          },
        },
      }),
    ],
    test: {
      name: "workers",
      root: new URL("../..", import.meta.url).pathname,
      include: ["test/workers/**/*.test.ts"],
      setupFiles: ["./test/workers/apply-migrations.ts"],
    },
  };
});
