"use client";
// The sign-in form: auth.login in cookie mode, then on to `next`.
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../src/auth/error-message";
import { getSession, signOutSettled } from "../../src/auth/session";
import { credentialsClient } from "../../src/trpc/client";

export function SignInForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      // A sign-out still on its way would clear the cookie this sign-in is about to get.
      await signOutSettled();
      const { access } = await credentialsClient.auth.login.mutate({
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
      });
      // Cookie mode: the refresh token is already in its HttpOnly cookie.
      getSession().signIn({ access, refresh: null });
      router.replace(next);
    } catch (failure) {
      setError(errorMessage(failure, "sign-in"));
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
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </div>
    </form>
  );
}
