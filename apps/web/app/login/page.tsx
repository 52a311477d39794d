// Sign in. `?next=` says where to return afterwards (a local path only).
import type { Metadata } from "next";
import Link from "next/link";
import { endedNoticeText } from "../../src/auth/ended-notice";
import { formPathFor, safeNextPath } from "../../src/auth/next-path";
import { StaleCookieCheck } from "../../src/auth/stale-cookie-check";
import { leaveIfSignedIn } from "../../src/server/already-signed-in";
import { signedInPageTitle } from "../../src/server/page-session";
import { ServerUnreachable } from "../../src/ui/server-unreachable";
import { SignInForm } from "./sign-in-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await signedInPageTitle("Sign in · JWT Auth Kit") };
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  const ended = endedNoticeText(params.ended);
  const refused = await leaveIfSignedIn(next);
  if (refused === "unreachable") return <ServerUnreachable page={formPathFor("/login", next)} />;
  const registerHref = formPathFor("/register", next);
  return (
    <main className="narrow">
      <h1>Sign in</h1>
      {/* Not once a notice is shown: a cookie the refusal could not clear must not loop. */}
      {refused === "TOKEN_REUSED" && !ended && <StaleCookieCheck next={next} />}
      {ended && (
        <p className="warning" role="status" data-testid="ended-notice">
          {ended}
        </p>
      )}
      <div className="card">
        <SignInForm next={next} />
      </div>
      <p className="muted">
        No account yet? <Link href={registerHref}>Create account</Link>
      </p>
    </main>
  );
}
