// The vendors the sandbox can impersonate. Kept apart from index.ts so the
// log and export writers can name them without importing the server.

export const SANDBOX_PROVIDERS = ['maintainx', 'flexport'] as const;
export type SandboxProvider = (typeof SANDBOX_PROVIDERS)[number];

export function isSandboxProvider(s: string): s is SandboxProvider {
  return (SANDBOX_PROVIDERS as readonly string[]).includes(s);
}
