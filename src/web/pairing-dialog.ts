import type { ApiClient } from './api-client';
import { h } from './dom';

interface PairingAnswer {
  code: string;
  role: string;
  expiresAt: string;
  links: Array<{ url: string; source: string; link: string }>;
  qr: { link: string; svg: string };
}

/**
 * "Pair a device" (admins): asks the agent for a one-time code and shows its QR code, the code and
 * the links. The SVG is the agent's own, parsed as SVG (never as HTML) and stripped of anything but
 * its drawing, so nothing in it can run.
 */
export async function openPairingDialog(api: ApiClient, role: 'viewer' | 'writer' | 'admin' = 'writer'): Promise<HTMLDialogElement> {
  const pairing = await api.json<PairingAnswer>('POST', '/api/pairing', { role });
  const svg = new DOMParser().parseFromString(pairing.qr.svg, 'image/svg+xml').documentElement;
  for (const node of svg.querySelectorAll('script, foreignObject')) node.remove();
  const qr = h('div', { class: 'pairing-qr', 'data-link': pairing.qr.link, role: 'img', 'aria-label': `QR code of ${pairing.qr.link}` });
  qr.append(document.importNode(svg, true));
  const dialog = h('dialog', { class: 'pairing-dialog', 'aria-label': 'Pair a device' },
    h('h2', null, 'Pair a device'),
    qr,
    h('p', null, 'Scan with the phone, or open ', h('code', { class: 'pairing-link' }, pairing.qr.link)),
    h('p', null, 'Code ', h('strong', { class: 'pairing-code' }, pairing.code), ` · ${pairing.role} · one use · until ${new Date(pairing.expiresAt).toLocaleTimeString()}`),
    pairing.links.every((l) => l.source === 'local')
      ? h('p', { class: 'hint' }, 'This address works on this machine only: start a tunnel (or listen on a LAN address) so a phone can reach the agent.')
      : null,
    h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close')),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}
