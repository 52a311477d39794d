"use client";
// The submit logic shared by the sign-in and registration forms: call the server in cookie mode,
// start the session with the access token, go on to `next`; or show what went wrong, and mark
// the fields it blames.
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { errorFields } from "./error-fields";
import { type ErrorContext, errorMessage } from "./error-message";
import { getSession, signOutSettled } from "./session";
import { useBlamedFields } from "./use-blamed-fields";

/**
 * `submit` gets the form's fields and calls auth.login or auth.register (credentialsClient).
 * `errorId`, `onInput` and `field` mark the fields the error blames (useBlamedFields).
 */
export function useCredentialsForm(
  context: ErrorContext,
  next: string,
  submit: (form: FormData) => Promise<{ access: string }>,
) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const { errorId, blame, onInput, field } = useBlamedFields(context);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setPending(true);
    setError(null);
    blame(null);
    try {
      // A sign-out still on its way would clear the cookie this sign-in is about to get.
      await signOutSettled();
      const { access } = await submit(form);
      // Cookie mode: the refresh token is already in its HttpOnly cookie.
      getSession().signIn({ access, refresh: null });
      router.replace(next);
    } catch (failure) {
      setError(errorMessage(failure, context));
      blame(failure);
      setPending(false);
      // The button was disabled while the call ran, which dropped the keyboard focus: put it
      // where the next try starts, the field the error blames (the email when it is taken), else
      // the password.
      const blamed = errorFields(failure, context);
      const start = blamed.includes("password") ? "password" : (blamed[0] ?? "password");
      const input = formElement.elements.namedItem(start);
      if (input instanceof HTMLInputElement) input.select();
    }
  }

  return { error, errorId, pending, onSubmit, onInput, field };
}
