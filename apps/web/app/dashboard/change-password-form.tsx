"use client";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@kit/api/password-limits";
// Change password: needs the current one; every session ends and this page goes on with the
// fresh one the answer carries (its refresh token arrives as the cookie).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { errorFields } from "../../src/auth/error-fields";
import { errorMessage } from "../../src/auth/error-message";
import { getSession } from "../../src/auth/session";
import { useBlamedFields } from "../../src/auth/use-blamed-fields";
import { NeedsJavaScript, SubmitButton } from "../../src/forms/submit-button";
import { useTRPC } from "../../src/trpc/react";

/** `email`: the account's, for password managers to know whose password changes. */
export function ChangePasswordForm({ email }: { email: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const { errorId, blame, onInput, field } = useBlamedFields("change-password");
  const formRef = useRef<HTMLFormElement>(null);
  const hintId = useId();
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: ({ access, refresh }) => {
        // Adopt the new session at once: the old one's tokens are revoked with everyone else's.
        getSession().signIn({ access, refresh });
        setMessage({ ok: true, text: "Password changed. Your other sessions were signed out." });
        // Every query on the page: the other sessions' end shows in more than the session list.
        void queryClient.invalidateQueries();
      },
      onError: (failure) => {
        setMessage({ ok: false, text: errorMessage(failure, "change-password") });
        blame(failure);
        // Where the next try starts: the field the error blames (as the sign-in form does).
        const [blamed] = errorFields(failure, "change-password");
        const input = blamed ? formRef.current?.elements.namedItem(blamed) : null;
        if (input instanceof HTMLInputElement) input.select();
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setMessage(null);
    blame(null);
    change.mutate(
      {
        currentPassword: String(form.get("currentPassword") ?? ""),
        newPassword: String(form.get("newPassword") ?? ""),
      },
      { onSuccess: () => formElement.reset() },
    );
  }

  return (
    <section className="card" aria-labelledby="password">
      <h2 id="password">Change password</h2>
      <form ref={formRef} className="stack" method="post" onSubmit={onSubmit} onInput={onInput}>
        <NeedsJavaScript />
        {message && (
          <p
            className={message.ok ? "notice" : "alert"}
            role={message.ok ? "status" : "alert"}
            id={errorId}
          >
            {message.text}
          </p>
        )}
        {/* Not shown: tells a password manager which account's saved password to update. */}
        <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
        <label>
          Current password
          <input
            {...field("currentPassword")}
            type="password"
            autoComplete="current-password"
            required
          />
        </label>
        <label>
          New password
          <input
            {...field("newPassword", hintId)}
            type="password"
            autoComplete="new-password"
            required
          />
        </label>
        <span id={hintId} className="muted">
          {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, not one of the most common
          passwords.
        </span>
        <SubmitButton pending={change.isPending}>Change password</SubmitButton>
      </form>
    </section>
  );
}
