"use client";
// The submit logic shared by the sign-in and registration forms: call the server in cookie mode,
// start the session with the access token, go on to `next`; or show what went wrong.
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { type ErrorContext, errorMessage } from "./error-message";
import { getSession, signOutSettled } from "./session";

/** `submit` gets the form's fields and calls auth.login or auth.register (credentialsClient). */
export function useCredentialsForm(
  context: ErrorContext,
  next: string,
  submit: (form: FormData) => Promise<{ access: string }>,
) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setPending(true);
    setError(null);
    try {
      // A sign-out still on its way would clear the cookie this sign-in is about to get.
      await signOutSettled();
      const { access } = await submit(form);
      // Cookie mode: the refresh token is already in its HttpOnly cookie.
      getSession().signIn({ access, refresh: null });
      router.replace(next);
    } catch (failure) {
      setError(errorMessage(failure, context));
      setPending(false);
      // The button was disabled while the call ran, which dropped the keyboard focus: put it
      // where the next try starts.
      const password = formElement.elements.namedItem("password");
      if (password instanceof HTMLInputElement) password.select();
    }
  }

  return { error, pending, onSubmit };
}
