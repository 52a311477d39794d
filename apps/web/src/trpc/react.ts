// The typed React hooks for the API (@trpc/tanstack-react-query).
import type { AppRouter } from "@kit/api";
import { createTRPCContext } from "@trpc/tanstack-react-query";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
