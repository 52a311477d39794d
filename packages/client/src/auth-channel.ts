// The cross-tab messages (new tokens, signed out) and the BroadcastChannel that carries them.
import type { SignOutReason } from "./refresh-error";
import { normalizeTokens, type TokenSnapshot } from "./token-store";

/** The part of BroadcastChannel the session uses. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

export type BroadcastChannelConstructor = new (name: string) => BroadcastChannelLike;

export interface ChannelOptions {
  /** Channel name, one per app on the origin. Default `"kit-auth"`. */
  name?: string;
  /**
   * Default: the browser's `BroadcastChannel`. Outside a browser it must be passed explicitly:
   * on a server one Node process serves many users, and its global BroadcastChannel would hand
   * one user's tokens to every other session in the process.
   */
  BroadcastChannel?: BroadcastChannelConstructor;
}

export type AuthMessage =
  | { type: "tokens"; tokens: TokenSnapshot }
  | { type: "signed-out"; reason: SignOutReason };

export const DEFAULT_CHANNEL_NAME = "kit-auth";

// Same-origin only, but other code on the origin may share the name: check the shape.
function parseMessage(data: unknown): AuthMessage | null {
  if (typeof data !== "object" || data === null) return null;
  const message = data as Record<string, unknown>;
  if (message.type === "signed-out" && typeof message.reason === "string") {
    return { type: "signed-out", reason: message.reason as SignOutReason };
  }
  if (message.type === "tokens" && typeof message.tokens === "object" && message.tokens) {
    const { access, refresh } = message.tokens as Record<string, unknown>;
    if (typeof access !== "string" || (refresh !== null && typeof refresh !== "string"))
      return null;
    return { type: "tokens", tokens: normalizeTokens({ access, refresh }) };
  }
  return null;
}

export interface AuthChannel {
  post(message: AuthMessage): void;
  close(): void;
}

/** Opens the channel, or returns null when no BroadcastChannel is available. */
export function openAuthChannel(
  options: ChannelOptions,
  onMessage: (message: AuthMessage) => void,
): AuthChannel | null {
  const Channel =
    options.BroadcastChannel ??
    (typeof window !== "undefined" && typeof BroadcastChannel !== "undefined"
      ? BroadcastChannel
      : undefined);
  if (!Channel) return null;
  const channel = new Channel(options.name ?? DEFAULT_CHANNEL_NAME);
  channel.onmessage = (event) => {
    const message = parseMessage(event.data);
    if (message) onMessage(message);
  };
  return {
    post: (message) => channel.postMessage(message),
    close: () => channel.close(),
  };
}
