// The root layout: the stylesheet, the site header and the API provider around every page.
import "./globals.css";
import Link from "next/link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { ApiProvider } from "../src/trpc/provider";

export const metadata = {
  title: "JWT Auth Kit",
  description: "JWT authentication for full-stack TypeScript: tRPC, Prisma, Next.js.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: each carries its own CSP nonce (proxy.ts), which a page
  // prerendered at build time could not.
  await connection();
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <nav>
            <Link href="/" className="brand">
              JWT Auth Kit
            </Link>
            <Link href="/dashboard" prefetch={false}>
              Dashboard
            </Link>
          </nav>
        </header>
        <ApiProvider>{children}</ApiProvider>
      </body>
    </html>
  );
}
