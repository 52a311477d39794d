export default function HomePage() {
  return (
    <main>
      <h1>JWT Auth Kit</h1>
      <p>
        The auth API is served at <code>/api/trpc</code>: <code>auth.register</code>,{" "}
        <code>auth.login</code>, <code>auth.refresh</code>, <code>auth.logout</code> and{" "}
        <code>auth.me</code>.
      </p>
      <p>
        On the embedded database you can sign in as <code>demo@example.com</code> with the password{" "}
        <code>demo-password</code>. The README shows the calls with curl.
      </p>
    </main>
  );
}
