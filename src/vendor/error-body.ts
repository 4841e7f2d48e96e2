// Flexport's error object (`{"error": {"_object": "/api/error", status, code,
// message}}`), read once for the API client's messages and the Flexport
// profile's RB-001 evidence.

/** "message (code)", or whichever of the two the object has; empty strings count as absent. */
export function errorObjectText(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined;
  const o = e as Record<string, unknown>;
  const message = typeof o['message'] === 'string' && o['message'] !== '' ? o['message'] : undefined;
  const code = typeof o['code'] === 'string' && o['code'] !== '' ? o['code'] : undefined;
  if (message !== undefined && code !== undefined) return `${message} (${code})`;
  return message ?? code;
}
