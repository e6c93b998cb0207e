/**
 * A fresh id for one creating request (`requestId` of share links and API tokens): the agent makes
 * one thing per id, so a repeat of the same click or a retry cannot make a second. getRandomValues
 * works on plain http too, where `crypto.randomUUID` does not.
 */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
