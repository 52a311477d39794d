// The bench's own users, made through auth.register and auth.login over HTTP (never the demo user).
import { randomBytes } from "node:crypto";

export interface BenchUser {
  email: string;
  password: string;
  access: string;
}

interface Pair {
  access: string;
  refresh: string;
}

/** POST a tRPC mutation; throws with the answer's text when it is not a 200. */
export async function mutate<T>(
  base: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${base}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { result: { data: T } }).result.data;
}

/** Runs `task` for 0..count-1, `width` at a time (argon2 would only queue beyond a few). */
async function inBatches<T>(
  count: number,
  width: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, k) => task(start + k));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/** Registers `count` users with random emails and passwords. */
export function registerUsers(base: string, count: number): Promise<BenchUser[]> {
  const run = randomBytes(4).toString("hex");
  return inBatches(count, 4, async (i) => {
    const email = `bench-${run}-${i}@example.com`;
    const password = randomBytes(12).toString("base64url");
    const { access } = await mutate<Pair>(base, "auth.register", {
      email,
      password,
      name: `Bench ${i}`,
    });
    return { email, password, access };
  });
}

/** `count` fresh sessions (one login each, spread over the users): one refresh chain each. */
export async function openSessions(
  base: string,
  users: BenchUser[],
  count: number,
): Promise<string[]> {
  const pairs = await inBatches(count, 4, (i) => {
    const user = users[i % users.length] as BenchUser;
    return mutate<Pair>(base, "auth.login", { email: user.email, password: user.password });
  });
  return pairs.map((pair) => pair.refresh);
}
