// Where the tRPC API is served, relative to the page's origin (the cookie is same-origin).
export const TRPC_URL = "/api/trpc";

/** The server refuses batches of more than 10 calls (MAX_BATCH_SIZE in @kit/api). */
export const MAX_BATCH_ITEMS = 10;
