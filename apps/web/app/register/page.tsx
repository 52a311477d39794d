// Create an account; signed in straight away, then on to `next`.
import Link from "next/link";
import { safeNextPath } from "../../src/auth/next-path";
import { StaleCookieCheck } from "../../src/auth/stale-cookie-check";
import { leaveIfSignedIn } from "../../src/server/already-signed-in";
import { RegisterForm } from "./register-form";

export const metadata = { title: "Create account · JWT Auth Kit" };

export default async function RegisterPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = safeNextPath((await searchParams).next);
  const refused = await leaveIfSignedIn(next);
  const loginHref = next === "/dashboard" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
  return (
    <main className="narrow">
      <h1>Create account</h1>
      {refused === "TOKEN_REUSED" && <StaleCookieCheck next={next} />}
      <div className="card">
        <RegisterForm next={next} />
      </div>
      <p className="muted">
        Already have an account? <Link href={loginHref}>Sign in</Link>
      </p>
    </main>
  );
}
