// The home page: what this is, and the way in.
import Link from "next/link";
import { connection } from "next/server";
import { getRuntime } from "../src/server/runtime";

export default async function HomePage() {
  // Rendered per request: whether the demo account may sign in depends on how the server runs.
  await connection();
  const { demoUser, demoAdmin } = await getRuntime();
  return (
    <main>
      <h1>JWT Auth Kit</h1>
      <div className="card">
        <p>
          JWT authentication for full-stack TypeScript. The auth API is served at{" "}
          <code>/api/trpc</code>; this site signs you in with an access token kept in memory and a
          refresh token in an HttpOnly cookie.
        </p>
        <div className="actions">
          <Link href="/login">Sign in</Link>
          <Link href="/register">Create account</Link>
        </div>
      </div>
      {demoUser && (
        <p className="muted" data-testid="demo-hint">
          On the embedded database you can sign in as <code>{demoUser.email}</code> with the
          password <code>{demoUser.password}</code>
          {demoAdmin && (
            <>
              , or as the admin <code>{demoAdmin.email}</code> with{" "}
              <code>{demoAdmin.password}</code>
            </>
          )}
          .
        </p>
      )}
    </main>
  );
}
