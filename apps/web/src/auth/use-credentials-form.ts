"use client";
// The submit logic shared by the sign-in and registration forms: call the server in cookie mode,
// start the session with the access token, go on to `next`; or show what went wrong, and mark
// the fields it blames.
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { errorFields } from "./error-fields";
import { type ErrorContext, errorMessage } from "./error-message";
import { getSession, signOutSettled } from "./session";

/**
 * `submit` gets the form's fields and calls auth.login or auth.register (credentialsClient).
 * Render the error with `id={errorId}`, put `onInput` on the form and `{...field("email")}` on
 * each input: a blamed one gets aria-invalid and is described by the error until it is edited.
 * @example <input {...field("password", "password-hint")} type="password" />
 */
export function useCredentialsForm(
  context: ErrorContext,
  next: string,
  submit: (form: FormData) => Promise<{ access: string }>,
) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const [blamed, setBlamed] = useState<ReadonlySet<string>>(new Set());
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setPending(true);
    setError(null);
    setBlamed(new Set());
    try {
      // A sign-out still on its way would clear the cookie this sign-in is about to get.
      await signOutSettled();
      const { access } = await submit(form);
      // Cookie mode: the refresh token is already in its HttpOnly cookie.
      getSession().signIn({ access, refresh: null });
      router.replace(next);
    } catch (failure) {
      setError(errorMessage(failure, context));
      setBlamed(new Set(errorFields(failure)));
      setPending(false);
      // The button was disabled while the call ran, which dropped the keyboard focus: put it
      // where the next try starts.
      const password = formElement.elements.namedItem("password");
      if (password instanceof HTMLInputElement) password.select();
    }
  }

  // An edited field no longer holds the value the server refused.
  function onInput(event: FormEvent<HTMLFormElement>) {
    const { target } = event;
    if (!(target instanceof HTMLInputElement) || !blamed.has(target.name)) return;
    setBlamed((before) => new Set([...before].filter((name) => name !== target.name)));
  }

  /** The input's name and ARIA attributes; `hint`: the ids of its own descriptions. */
  function field(name: string, hint?: string) {
    const isBlamed = blamed.has(name);
    const describedBy = [isBlamed ? errorId : null, hint].filter(Boolean).join(" ");
    return {
      name,
      "aria-invalid": isBlamed ? true : undefined,
      "aria-describedby": describedBy === "" ? undefined : describedBy,
    };
  }

  return { error, errorId, pending, onSubmit, onInput, field };
}
