"use client";
// The registration form: auth.register in cookie mode, then on to `next`.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@kit/api/password-limits";
import { useCredentialsForm } from "../../src/auth/use-credentials-form";
import { NeedsJavaScript, SubmitButton } from "../../src/forms/submit-button";
import { credentialsClient } from "../../src/trpc/client";

export function RegisterForm({ next }: { next: string }) {
  const { error, errorId, pending, onSubmit, onInput, field } = useCredentialsForm(
    "register",
    next,
    (form) => {
      const name = String(form.get("name") ?? "").trim();
      return credentialsClient.auth.register.mutate({
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        name: name === "" ? null : name,
      });
    },
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
        <input
          {...field("password", "password-hint")}
          type="password"
          autoComplete="new-password"
          required
        />
      </label>
      <span id="password-hint" className="muted">
        {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, not one of the most common
        passwords.
      </span>
      <label>
        Name
        <input {...field("name")} type="text" autoComplete="name" maxLength={100} />
      </label>
      <SubmitButton pending={pending}>
        {pending ? "Creating account…" : "Create account"}
      </SubmitButton>
    </form>
  );
}
