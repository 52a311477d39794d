"use client";
// The sign-in form: auth.login in cookie mode, then on to `next`.
import { useCredentialsForm } from "../../src/auth/use-credentials-form";
import { NeedsJavaScript, SubmitButton } from "../../src/forms/submit-button";
import { credentialsClient } from "../../src/trpc/client";

export function SignInForm({ next }: { next: string }) {
  const { error, errorId, pending, onSubmit, onInput, field } = useCredentialsForm(
    "sign-in",
    next,
    (form) =>
      credentialsClient.auth.login.mutate({
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
      }),
  );

  return (
    <form className="stack" method="post" onSubmit={onSubmit} onInput={onInput}>
      <NeedsJavaScript />
      {error && (
        <p className="alert" role="alert" id={errorId}>
          {error}
        </p>
      )}
      <label>
        Email
        {/* "username": the account's identifier, which password managers save the password under. */}
        <input {...field("email")} type="email" autoComplete="username" required />
      </label>
      <label>
        Password
        <input {...field("password")} type="password" autoComplete="current-password" required />
      </label>
      <SubmitButton pending={pending}>{pending ? "Signing in…" : "Sign in"}</SubmitButton>
    </form>
  );
}
