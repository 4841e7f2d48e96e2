// Secrets never reach an output. Every byte the CLI writes (stdout, stderr,
// files) passes through a Redactor: known secret values are replaced wherever
// they occur, and shapes that carry credentials are masked even when we were
// never told the value (a Bearer token in an echoed header, a password in a URL).

const MASK = '[REDACTED]';

// `$MAINTAINX_API_KEY`, `<token>`, `{{key}}` are placeholders in docs and
// examples, not secrets: masking them would only make the runbooks useless.
const placeholder = (v: string) => /^(?:\$|<|\{\{|\[REDACTED)/.test(v);

const PATTERNS: Array<[RegExp, string | ((...m: string[]) => string)]> = [
  // Authorization headers in any casing, whatever the scheme.
  [/(authorization["']?\s*[:=]\s*["']?)((?:bearer|basic|token)\s+)?([^\s"',}]+)/gi, (all, head = '', scheme = '', value = '') => (placeholder(value) ? all : `${head}${scheme}${MASK}`)],
  [/\b(bearer)\s+([A-Za-z0-9._~+/=-]{4,})/gi, (all, word = '', value = '') => (value === MASK.slice(1, -1) ? all : `${word} ${MASK}`)],
  // user:password@ in URLs (redis://:pw@host, https://u:pw@host).
  [/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]+@/gi, `$1${MASK}@`],
  // Webhook signing secrets in Standard Webhooks form.
  [/\bwhsec_[A-Za-z0-9+/=]+/g, MASK],
];

export class Redactor {
  private readonly secrets: string[] = [];

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Register a secret value; values shorter than 4 chars would mask noise. */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4 || this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    // Longest first, so a secret containing another is masked whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      if (out.includes(s)) out = out.split(s).join(MASK);
      // A secret may also appear URL-encoded (in a URL we print) or
      // JSON-escaped (inside a JSON string we print).
      for (const enc of [encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]) {
        if (enc !== s && out.includes(enc)) out = out.split(enc).join(MASK);
      }
    }
    for (const [re, rep] of PATTERNS) out = typeof rep === 'string' ? out.replace(re, rep) : out.replace(re, rep as (...m: string[]) => string);
    return out;
  }
}

/** Secrets the environment may carry, per PRODUCT.md's configuration table. */
export function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const k of ['MAINTAINX_API_KEY', 'MAINTAINX_WEBHOOK_SECRET', 'FLEXPORT_API_KEY', 'FLEXPORT_WEBHOOK_SECRET', 'SLACK_WEBHOOK_URL']) {
    const v = env[k];
    if (v) out.push(v);
  }
  const redis = env['REDIS_URL'];
  if (redis) {
    const pw = passwordOfUrl(redis);
    if (pw) out.push(pw);
  }
  return out;
}

export function passwordOfUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    return undefined;
  }
}
