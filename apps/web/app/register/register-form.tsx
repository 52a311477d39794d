"use client";
// The registration form: auth.register in cookie mode, then on to `next`.
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../src/auth/error-message";
import { getSession, signOutSettled } from "../../src/auth/session";
import { credentialsClient } from "../../src/trpc/client";

export function RegisterForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    setPending(true);
    setError(null);
    try {
      await signOutSettled();
      const { access } = await credentialsClient.auth.register.mutate({
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        name: name === "" ? null : name,
      });
      getSession().signIn({ access, refresh: null });
      router.replace(next);
    } catch (failure) {
      setError(errorMessage(failure, "register"));
      setPending(false);
    }
  }

  return (
    <form className="stack" onSubmit={onSubmit}>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          aria-describedby="password-hint"
          required
        />
      </label>
      <span id="password-hint" className="muted">
        8 to 128 characters.
      </span>
      <label>
        Name
        <input name="name" type="text" autoComplete="name" maxLength={100} />
      </label>
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? "Creating account…" : "Create account"}
        </button>
      </div>
    </form>
  );
}
