// Create an account; signed in straight away, then on to `next`.
import type { Metadata } from "next";
import Link from "next/link";
import { formPathFor, safeNextPath } from "../../src/auth/next-path";
import { StaleCookieCheck } from "../../src/auth/stale-cookie-check";
import { leaveIfSignedIn } from "../../src/server/already-signed-in";
import { signedInPageTitle } from "../../src/server/page-session";
import { ServerUnreachable } from "../../src/ui/server-unreachable";
import { RegisterForm } from "./register-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await signedInPageTitle("Create account · JWT Auth Kit") };
}

export default async function RegisterPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = safeNextPath((await searchParams).next);
  const refused = await leaveIfSignedIn(next);
  if (refused === "unreachable") {
    return <ServerUnreachable page={formPathFor("/register", next)} />;
  }
  const loginHref = formPathFor("/login", next);
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
