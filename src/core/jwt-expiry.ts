// When the API key is a JWT (Flexport's OAuth tokens are: 24 h, at most 10
// issued a day), its `exp` claim says when every call will start failing.
// Only the payload's times are read — the signature is the vendor's business
// and nothing of the token itself is ever returned.

export interface TokenExpiry {
  /** exp, epoch ms. */
  expiresAtMs: number;
  /** iat, epoch ms, when present. */
  issuedAtMs?: number;
}

/** The expiry of a JWT-shaped key; undefined for an opaque key or a JWT without a numeric exp. */
export function jwtExpiry(token: string | undefined): TokenExpiry | undefined {
  if (!token) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+={0,2}$/.test(p))) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { exp, iat } = claims as Record<string, unknown>;
  // Seconds since the epoch (RFC 7519 NumericDate); anything else is not a usable claim.
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0 || exp > 1e11) return undefined;
  const out: TokenExpiry = { expiresAtMs: Math.round(exp * 1000) };
  if (typeof iat === 'number' && Number.isFinite(iat) && iat > 0 && iat < 1e11) out.issuedAtMs = Math.round(iat * 1000);
  return out;
}
