import type { ReactNode } from "react";

export const metadata = {
  title: "JWT Auth Kit",
  description: "JWT authentication for full-stack TypeScript: tRPC, Prisma, Next.js.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", margin: "2rem auto", maxWidth: "40rem" }}>
        {children}
      </body>
    </html>
  );
}
