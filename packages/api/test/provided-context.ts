// What the global setup provides to every test file (`inject("databaseUrl")`): imported by each
// helper that injects it, so the type holds wherever the helpers are used, in any package.
declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export {};
