// The typed React hooks for the API (@trpc/tanstack-react-query).

import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "../api/root";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
