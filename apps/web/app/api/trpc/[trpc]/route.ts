// The tRPC endpoint: the Fetch adapter from @kit/api, nothing more.
import { createFetchHandler } from "@kit/api";
import { getDeps } from "../../../../src/server/runtime";

const handler = createFetchHandler({ deps: getDeps });

export { handler as GET, handler as POST };
