// Any unknown path: the app's own page, styled by its stylesheet. Next's built-in one uses inline
// styles, which the Content-Security-Policy (proxy.ts) refuses.
import Link from "next/link";

export const metadata = { title: "Not found · JWT Auth Kit" };

export default function NotFound() {
  return (
    <main className="narrow">
      <h1>Page not found</h1>
      <div className="card">
        <p>There is no page at this address.</p>
        <div className="actions">
          <Link href="/">Home</Link>
          <Link href="/dashboard" prefetch={false}>
            Dashboard
          </Link>
        </div>
      </div>
    </main>
  );
}
