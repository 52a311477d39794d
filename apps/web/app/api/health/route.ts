// GET /api/health through Next.js, for deployments without server.ts (and API_HANDLER=next);
// `pnpm start` answers it on Node's objects before Next.js sees it.
import { healthResponse } from "@kit/api";
import { getDeps } from "../../../src/server/runtime";

// Never prerendered or cached: each probe asks the database.
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return healthResponse(await getDeps());
}
