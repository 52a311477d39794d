// What every floor server reads from its environment: port, shared secret, how many users.
export interface FloorEnv {
  port: number;
  secret: Buffer;
  users: number;
  databaseUrl: string | undefined;
}

export function floorEnv(source: Record<string, string | undefined> = process.env): FloorEnv {
  const secret = source.FLOOR_SECRET;
  if (!secret) throw new TypeError("FLOOR_SECRET is required (hex)");
  return {
    port: Number(source.PORT ?? 0),
    secret: Buffer.from(secret, "hex"),
    users: Number(source.FLOOR_USERS ?? 64),
    databaseUrl: source.DATABASE_URL || undefined,
  };
}

/** The user a floor answers for subject `u<i>`: the same shape as auth.me's answer. */
export function floorUser(index: number): { id: string; email: string; name: string } {
  return { id: `u${index}`, email: `user${index}@floor.test`, name: `Floor User ${index}` };
}

/** The line the bench waits for on stdout before it measures. */
export const READY_LINE = "[floor] ready";
