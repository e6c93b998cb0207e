import { h } from './dom';
import { formatAge } from './format-age';
import { formatBytes } from './format-bytes';
import type { DirectoryPage, FileEntry } from '@tunnelforge/client';
import type { FilesApi } from './files-api';

/**
 * The session's files: a panel listing the session's working directory (directories first), with
 * its parent and subdirectories one click away and a Download button on each file. Errors (a viewer
 * on an agent that does not allow browsing, a directory outside the roots) are shown in words.
 */
export class FilePanel {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly list: HTMLElement;
  private readonly status: HTMLElement;
  private readonly upButton: HTMLButtonElement;
  private page: DirectoryPage | null = null;
  private loading = 0;

  constructor(private readonly files: FilesApi, private readonly sessionId: string, private readonly onClose: () => void) {
    this.title = h('span', { class: 'file-path', title: '' }, '…');
    this.upButton = h('button', { type: 'button', title: 'Parent directory', onclick: () => void this.open(this.page?.parent ?? undefined) }, '↑');
    this.status = h('p', { class: 'hint file-status', role: 'status' });
    this.list = h('ul', { class: 'file-list', 'aria-label': 'Files' });
    this.element = h('aside', { class: 'file-panel', 'aria-label': 'Session files', hidden: true },
      h('header', { class: 'file-bar' },
        this.upButton,
        this.title,
        h('span', { class: 'spacer' }),
        h('button', { type: 'button', title: 'Reload', onclick: () => void this.open(this.page?.path) }, '⟳'),
        h('button', { type: 'button', title: 'Close', onclick: () => this.onClose() }, '×'),
      ),
      this.status,
      this.list,
    );
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  show(): void {
    this.element.hidden = false;
    void this.open(this.page?.path);
  }

  hide(): void {
    this.element.hidden = true;
  }

  /** Lists `path` (default: the session's working directory). */
  async open(path?: string): Promise<void> {
    const turn = ++this.loading;
    this.status.textContent = 'Loading…';
    try {
      const page = await this.files.list(this.sessionId, path);
      if (turn !== this.loading) return;
      this.page = page;
      this.title.textContent = page.path;
      this.title.title = page.path;
      this.upButton.disabled = page.parent === null;
      this.list.replaceChildren(...page.entries.map((entry) => this.row(entry)));
      this.status.textContent = page.entries.length === 0 ? 'This directory is empty.' : page.total > page.entries.length ? `Showing ${page.entries.length} of ${page.total} entries.` : '';
    } catch (error) {
      if (turn !== this.loading) return;
      this.status.textContent = `Cannot list the files: ${(error as Error).message}`;
    }
  }

  private row(entry: FileEntry): HTMLElement {
    const isDirectory = entry.type === 'directory' || (entry.type === 'symlink' && entry.targetType === 'directory');
    const isFile = entry.type === 'file' || (entry.type === 'symlink' && entry.targetType === 'file');
    const name = isDirectory
      ? h('button', { type: 'button', class: 'link file-name', onclick: () => void this.open(entry.path) }, `${entry.name}/`)
      : h('span', { class: 'file-name' }, entry.name);
    const meta = h('span', { class: 'file-meta' }, isDirectory ? formatAge(entry.mtime) : `${formatBytes(entry.size)} · ${formatAge(entry.mtime)}`);
    const download = isFile ? h('button', { type: 'button', class: 'file-download', title: `Download ${entry.name}`, onclick: () => void this.download(entry) }, 'Download') : null;
    return h('li', { class: 'file-row', 'data-type': entry.type }, name, meta, download);
  }

  private async download(entry: FileEntry): Promise<void> {
    this.status.textContent = `Preparing the download of ${entry.name}…`;
    try {
      await this.files.download(this.sessionId, entry.path, entry.name);
      this.status.textContent = `${entry.name}: downloading (see the browser's downloads)`;
    } catch (error) {
      this.status.textContent = `Download of ${entry.name} failed: ${(error as Error).message}`;
    }
  }
}
