// The dashboard while the server cannot read its database: the session is kept, nothing is
// signed out, and the page offers to try again.
export function ServerUnreachable() {
  return (
    <main>
      <section className="card" aria-labelledby="unreachable">
        <h1 id="unreachable">Can't reach the server</h1>
        <p className="alert" data-testid="server-unreachable">
          Can't reach the server right now. You are still signed in; try again in a moment.
        </p>
        <p>
          <a href="/dashboard">Try again</a>
        </p>
      </section>
    </main>
  );
}
