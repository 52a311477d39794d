"use client";
// The React side of the API: one QueryClient and one tRPC client per page, sharing the page's
// auth session.
import { QueryClientProvider } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type ReactNode, useState } from "react";
import { getSession } from "../auth/session";
import { SignedOutRedirect, signInUrl } from "../auth/signed-out-redirect";
import { createAppClient } from "./client";
import { createQueryClient } from "./query-client";
import { TRPCProvider } from "./react";

export function ApiProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [queryClient] = useState(() =>
    // No session at all on this page (none to have ended): just the way back.
    createQueryClient(() => router.replace(signInUrl(null))),
  );
  const [trpcClient] = useState(() => createAppClient(getSession()));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <SignedOutRedirect />
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
