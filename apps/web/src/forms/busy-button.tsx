"use client";
// A button whose action is running: it says so (aria-disabled) and ignores presses, but keeps
// the keyboard's focus. A disabled button loses it to the page (WCAG 2.4.3): the next Tab starts
// from the top, and a screen reader says nothing more about the action.
import type { ButtonHTMLAttributes, MouseEvent, Ref } from "react";

export type BusyButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  /** The action runs: presses are ignored (a submit button's too, Enter in a field included). */
  busy: boolean;
  ref?: Ref<HTMLButtonElement>;
};

export function BusyButton({ busy, onClick, type = "button", ...rest }: BusyButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      aria-disabled={busy || rest["aria-disabled"] || undefined}
      onClick={(event: MouseEvent<HTMLButtonElement>) => {
        // preventDefault stops a submit button's form, whether clicked or submitted by Enter
        // (implicit submission clicks the form's default button).
        if (busy) event.preventDefault();
        else onClick?.(event);
      }}
    />
  );
}
