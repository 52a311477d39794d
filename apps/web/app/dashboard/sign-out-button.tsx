"use client";
// Ends this session here and in every tab; the sign-out event takes the page to /login.
import { useState } from "react";
import { signOut } from "../../src/auth/session";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut();
      }}
    >
      Sign out
    </button>
  );
}
