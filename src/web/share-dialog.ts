import { copyText } from './copy-text';
import { h } from './dom';
import { errorText } from './error-text';
import { onceAtATime } from './once-at-a-time';
import { newRequestId } from './request-id';
import { MAX_SHARE_MINUTES, type SharesApi } from './shares-api';

const CHOICES: Array<[number, string]> = [[15, '15 minutes'], [60, '1 hour'], [480, '8 hours'], [1440, '1 day'], [10080, '7 days']];

/**
 * "Share" from the terminal view (writers): pick an expiry, make a read-only link, copy it. The
 * link is a viewer token for this one session in the URL fragment; the Sharing panel lists and
 * revokes links. One request id per dialog: however often Create is pressed, one link is made.
 */
export function openShareDialog(shares: SharesApi, sessionId: string, sessionName: string): HTMLDialogElement {
  const minutes = h('select', { name: 'expires', 'aria-label': 'Link expires in' }, ...CHOICES.map(([value, label]) => h('option', { value, selected: value === 60 }, label)));
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const create = h('button', { type: 'submit', class: 'primary' }, 'Create link');
  const result = h('div', { class: 'share-result', hidden: true });
  const requestId = newRequestId();
  const form = h('form', { class: 'inline-form', 'aria-label': 'New share link' }, h('label', null, h('span', null, 'Expires in'), minutes), create, error);
  const submit = onceAtATime(create, async () => {
    error.hidden = true;
    const value = Number(minutes.value);
    if (!Number.isInteger(value) || value < 1 || value > MAX_SHARE_MINUTES) {
      error.textContent = `Pick an expiry between 1 minute and ${MAX_SHARE_MINUTES / 1440} days.`;
      error.hidden = false;
      return;
    }
    try {
      const share = await shares.create(sessionId, value, requestId);
      const url = h('input', { class: 'share-url', readonly: true, value: share.url, 'aria-label': 'Share link', spellcheck: 'false' });
      const copied = h('span', { class: 'hint', role: 'status' });
      const copy = h('button', { type: 'button', class: 'copy-share' }, 'Copy');
      copy.addEventListener('click', () => void copyText(share.url).then((ok) => { copied.textContent = ok ? 'Copied.' : 'Copy failed: select the link and copy it.'; }));
      result.replaceChildren(
        h('p', null, `Anyone with this link can watch "${sessionName}" (not type) until ${new Date(share.expiresAt).toLocaleString()}.`),
        h('div', { class: 'copy-row' }, url, copy),
        copied,
      );
      result.hidden = false;
      form.hidden = true;
      copy.focus();
    } catch (problem) {
      error.textContent = errorText(problem);
      error.hidden = false;
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  const dialog = h('dialog', { class: 'share-dialog', 'aria-label': 'Share read-only' },
    h('h2', null, 'Share read-only'),
    form,
    result,
    h('p', { class: 'hint' }, 'Active links are listed, and revoked, under Sharing.'),
    h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close')),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}
