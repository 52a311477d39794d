// The home page: what this is, and the way in.
import Link from "next/link";

export default function HomePage() {
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
      <p className="muted">
        On the embedded database you can sign in as <code>demo@example.com</code> with the password{" "}
        <code>demo-password</code>.
      </p>
    </main>
  );
}
