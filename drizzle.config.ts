import { defineConfig } from "drizzle-kit";

// Schema-only migrations for D1; `npm run db:generate` writes them to migrations/.
export default defineConfig({
  dialect: "sqlite",
  schema: "./workers/db/schema.ts",
  out: "./migrations",
});
