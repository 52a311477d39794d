"use client";
// A page that depends on who is signed in (the dashboard, the admin page, and the sign-in and
// sign-up pages for a visitor with a session cookie) while the server cannot read its database:
// the session is kept, nothing is signed out, and the page comes back by itself once the server
// answers its health check again (someone who left the tab open should not have to find the
// button).
import { HEALTH_PATH } from "@kit/api/wire";
import { useEffect } from "react";

// The health check's own Retry-After while the database is down.
const POLL_MS = 5_000;

async function serverAnswers(): Promise<boolean> {
  try {
    return (await fetch(HEALTH_PATH, { cache: "no-store" })).ok;
  } catch {
    return false;
  }
}

/** `page`: the local path of the page shown (with its query), which Try again loads again. */
export function ServerUnreachable({ page }: { page: string }) {
  useEffect(() => {
    let stopped = false;
    let checking = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      clearTimeout(timer);
      if (checking || stopped) return;
      checking = true;
      // A hidden tab asks nothing; it asks at once when it is shown again.
      const back = document.visibilityState === "visible" && (await serverAnswers());
      checking = false;
      if (stopped) return;
      if (back) window.location.reload();
      else timer = setTimeout(check, POLL_MS);
    };
    const onVisible = () => {
      if (document.visibilityState === "visible") void check();
    };
    timer = setTimeout(check, POLL_MS);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);

  return (
    <main>
      <section className="card" aria-labelledby="unreachable">
        <h1 id="unreachable">Can't reach the server</h1>
        <p className="alert" data-testid="server-unreachable">
          Can't reach the server right now. You are still signed in; this page comes back by itself
          when the server does.
        </p>
        <p>
          <a href={page}>Try again</a>
        </p>
      </section>
    </main>
  );
}
