import { h } from './dom';
import { FilePanel } from './file-panel';
import { formatBytes } from './format-bytes';
import type { FilesApi } from './files-api';

/**
 * The agent's HTTP server (uWebSockets.js 20.30) drops a request whose Content-Length has 10 digits
 * (10^9 bytes or more) without an answer, and a browser always sends one for a form: say so before
 * sending (minus room for the form's framing).
 */
const MAX_BROWSER_UPLOAD_BYTES = 1e9 - 64 * 1024;
/** Uploads from this size on show a progress bar (smaller ones finish before anyone could read it). */
const PROGRESS_FROM_BYTES = 256 * 1024;

export interface TerminalFilesOptions {
  files: FilesApi;
  sessionId: string;
  /** Whether this page may upload into the session now (a writer, the process running). */
  canUpload(): boolean;
  /** A short message to the user (a toast). */
  notify(text: string): void;
  /** A problem the user must read (stays until the next one or a reconnect). */
  warn(text: string): void;
  /** Give the keyboard back to the terminal. */
  refocus(): void;
}

/**
 * Files around a terminal: drop files on it (or paste an image) to upload them into the session,
 * where the agent types their quoted paths at the prompt; a progress bar for large uploads; the
 * session's file panel (the *Files* button). Errors are said in words.
 */
export class TerminalFiles {
  readonly button: HTMLButtonElement;
  readonly panel: FilePanel;
  readonly progress: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly label: HTMLElement;
  private readonly disposers: Array<() => void> = [];
  private busy = false;

  constructor(private readonly options: TerminalFilesOptions) {
    this.panel = new FilePanel(options.files, options.sessionId, () => this.togglePanel(false));
    this.button = h('button', { type: 'button', title: 'Files of this session (drop files on the terminal to upload them)', 'aria-pressed': 'false', onclick: () => this.togglePanel() }, 'Files');
    this.bar = h('progress', { max: 1, value: 0 });
    this.label = h('span', { class: 'upload-label' });
    this.progress = h('div', { class: 'upload-progress', role: 'status', hidden: true }, this.label, this.bar);
  }

  /** Listens for drops and pasted files on `target` (the terminal's area). */
  attach(target: HTMLElement): void {
    const hasFiles = (transfer: DataTransfer | null) => transfer !== null && [...transfer.types].includes('Files');
    const over = (event: DragEvent) => {
      if (!hasFiles(event.dataTransfer)) return;
      event.preventDefault(); // allows the drop
      if (event.dataTransfer) event.dataTransfer.dropEffect = this.options.canUpload() ? 'copy' : 'none';
      target.classList.toggle('drop-target', this.options.canUpload());
    };
    const leave = () => target.classList.remove('drop-target');
    const drop = (event: DragEvent) => {
      if (!hasFiles(event.dataTransfer)) return;
      event.preventDefault();
      leave();
      void this.upload([...(event.dataTransfer?.files ?? [])]);
    };
    // Capturing, on an ancestor: runs before xterm's own paste handler, which would take text only.
    const paste = (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      event.stopPropagation();
      void this.upload(files.map((file, i) => (file.name === '' || file.name === 'image.png' ? new File([file], pastedName(file, i), { type: file.type }) : file)));
    };
    target.addEventListener('dragenter', over);
    target.addEventListener('dragover', over);
    target.addEventListener('dragleave', leave);
    target.addEventListener('drop', drop);
    target.addEventListener('paste', paste, true);
    this.disposers.push(() => {
      target.removeEventListener('dragenter', over);
      target.removeEventListener('dragover', over);
      target.removeEventListener('dragleave', leave);
      target.removeEventListener('drop', drop);
      target.removeEventListener('paste', paste, true);
    });
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  /** Uploads `files` into the session; the agent types their paths. */
  async upload(files: File[]): Promise<void> {
    if (files.length === 0) return;
    if (!this.options.canUpload()) return this.options.warn('This session is read-only for you (or has ended): files cannot be uploaded into it.');
    if (this.busy) return this.options.notify('An upload is still running; drop again when it is done');
    this.busy = true;
    const total = files.reduce((sum, file) => sum + file.size, 0);
    const what = files.length === 1 ? files[0].name : `${files.length} files`;
    if (total >= MAX_BROWSER_UPLOAD_BYTES) {
      return this.options.warn(`${what} is ${formatBytes(total)}: the agent's HTTP server takes at most ${formatBytes(MAX_BROWSER_UPLOAD_BYTES)} in one browser upload. Copy it with curl (chunked, see docs/files.md) or in a terminal.`);
    }
    this.progress.hidden = total < PROGRESS_FROM_BYTES;
    this.showProgress(what, 0, total);
    try {
      const answer = await this.options.files.uploadToSession(this.options.sessionId, files, ({ loaded, total: sent }) => this.showProgress(what, loaded, sent));
      this.options.notify(answer.files.length === 1 ? `Uploaded ${answer.files[0].name}: its path is at the prompt` : `Uploaded ${answer.files.length} files: their paths are at the prompt`);
      if (this.panel.visible) void this.panel.open();
    } catch (error) {
      this.options.warn(`Upload of ${what} failed: ${(error as Error).message}`);
    } finally {
      this.busy = false;
      this.progress.hidden = true;
      this.options.refocus();
    }
  }

  private showProgress(what: string, loaded: number, total: number): void {
    const fraction = total > 0 ? Math.min(1, loaded / total) : 0;
    this.bar.value = fraction;
    this.label.textContent = `Uploading ${what}: ${Math.round(fraction * 100)}% (${formatBytes(loaded)} of ${formatBytes(total)})`;
  }

  private togglePanel(show = !this.panel.visible): void {
    if (show) this.panel.show();
    else this.panel.hide();
    this.button.setAttribute('aria-pressed', String(show));
    if (!show) this.options.refocus();
  }
}

/** Pasted screenshots arrive as `image.png` (or nameless): give each a unique, dated name. */
function pastedName(file: File, index: number): string {
  const extension = /^image\/(png|jpeg|gif|webp)$/.exec(file.type)?.[1]?.replace('jpeg', 'jpg') ?? 'bin';
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return `pasted-${stamp}${index > 0 ? `-${index}` : ''}.${extension}`;
}
