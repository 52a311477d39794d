// Runs once when the server starts, before it serves a request: make the database ready.
export async function register() {
  // The edge runtime has no database; only the Node.js server prepares one.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` loads this too while it prerenders pages: no database is needed for that.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startOrExit } = await import("./src/server/runtime");
  await startOrExit();
  // server.ts answers the API with it (API_HANDLER=server, the default).
  const { publishApiHandler } = await import("./src/server/api-handler");
  await publishApiHandler();
}
