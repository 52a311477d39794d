// The signed-in home: rendered on the server from the refresh cookie (no flash of a signed-out
// page), with the interactive parts as client components.
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { signInPathFor } from "../../src/auth/ended-notice";
import { signedInPageSession, signedInPageTitle } from "../../src/server/page-session";
import { ServerUnreachable } from "../../src/ui/server-unreachable";
import { ChangePasswordForm } from "./change-password-form";
import { DashboardHeader } from "./dashboard-header";
import { OverviewCard } from "./overview-card";
import { RecentActivity } from "./recent-activity";
import { SessionList } from "./session-list";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await signedInPageTitle("Dashboard · JWT Auth Kit") };
}

export default async function DashboardPage() {
  const signedIn = await signedInPageSession();
  if (signedIn === "unreachable") return <ServerUnreachable page="/dashboard" />;
  if (!("user" in signedIn)) redirect(signInPathFor("/dashboard", signedIn.refused));
  const { user } = signedIn;
  return (
    <main>
      <DashboardHeader>
        {/* The page itself checks again: this link is a convenience, not the guard. */}
        {user.role === "admin" && (
          <Link href="/admin" prefetch={false} data-testid="admin-link">
            Admin
          </Link>
        )}
      </DashboardHeader>
      <section className="card" aria-labelledby="whoami">
        <h2 id="whoami">Signed in as</h2>
        <p data-testid="user-email">
          <strong>{user.email}</strong>
          {user.name && <span className="muted"> ({user.name})</span>}
        </p>
      </section>
      <OverviewCard />
      <SessionList />
      <ChangePasswordForm email={user.email} />
      <RecentActivity />
    </main>
  );
}
