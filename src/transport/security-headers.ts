// For anything that is not JSON: nothing may load, frame or submit. Pages served later (a web UI)
// set their own policy through the handler's headers.
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Headers on every HTTP response; handlers may override them. */
export function securityHeaders(contentType: string): Record<string, string> {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) headers['content-security-policy'] = STRICT_CSP;
  return headers;
}
