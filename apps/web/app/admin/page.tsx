// The admin page: every account, a user's sessions and the audit trail. Rendered on the server
// only for a signed-in admin; the admin.* procedures check the role again on every call.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { signInPathFor } from "../../src/auth/ended-notice";
import { signedInPageSession, signedInPageTitle } from "../../src/server/page-session";
import { ServerUnreachable } from "../../src/ui/server-unreachable";
import { AuditEvents } from "./audit-events";
import { UserTable } from "./user-table";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await signedInPageTitle("Admin · JWT Auth Kit") };
}

export default async function AdminPage() {
  const signedIn = await signedInPageSession();
  if (signedIn === "unreachable") return <ServerUnreachable page="/admin" />;
  if (!("user" in signedIn)) redirect(signInPathFor("/admin", signedIn.refused));
  // Not "forbidden": to anyone but an admin, the page does not exist.
  if (signedIn.user.role !== "admin") notFound();
  return (
    <main className="wide">
      <div className="card-header">
        <h1>Admin</h1>
        <Link href="/dashboard" prefetch={false}>
          Back to the dashboard
        </Link>
      </div>
      <UserTable currentUserId={signedIn.user.id} />
      <AuditEvents />
    </main>
  );
}
