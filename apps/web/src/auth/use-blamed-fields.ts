"use client";
// The fields a failed call blames, marked for assistive technology (WCAG 3.3.1): each gets
// aria-invalid and is described by the error message until it is edited.
import { type FormEvent, useId, useState } from "react";
import { errorFields } from "./error-fields";
import type { ErrorContext } from "./error-message";

/**
 * Render the error with `id={errorId}`, put `onInput` on the form and `{...field("email")}` on
 * each input; `blame(failure)` after a failed call, `blame(null)` before the next.
 * @example <input {...field("password", "password-hint")} type="password" />
 */
export function useBlamedFields(context: ErrorContext) {
  const errorId = useId();
  const [blamed, setBlamed] = useState<ReadonlySet<string>>(new Set());

  function blame(failure: unknown) {
    setBlamed(new Set(failure === null ? [] : errorFields(failure, context)));
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

  return { errorId, blame, onInput, field };
}
