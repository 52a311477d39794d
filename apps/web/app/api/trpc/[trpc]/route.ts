// The tRPC endpoint: the Fetch adapter from @kit/api, nothing more.
import { createFetchHandler } from "@kit/api";
import { appRouter } from "../../../../src/api/root";
import { currentConnection } from "../../../../src/server/connection";
import { getDeps } from "../../../../src/server/runtime";

const handler = createFetchHandler({
  router: appRouter,
  deps: getDeps,
  connection: currentConnection,
});

export { handler as GET, handler as POST };
