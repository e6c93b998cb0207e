import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestAgent, type TestAgent } from '../../src/testkit';

/** A temp dir tree the tests own: `root` (the files root), `outside` (a secret beside it) and more. */
export interface Sandbox {
  /** Real path of the temp dir holding everything. */
  base: string;
  root: string;
  outside: string;
  /** The secret outside the root: nothing may read it. */
  secret: string;
  cleanup(): void;
}

export function makeSandbox(prefix = 'tf-files-'): Sandbox {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const secret = path.join(outside, 'secret.txt');
  writeFileSync(secret, 'TOP-SECRET-OUTSIDE');
  return { base, root, outside, secret, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** The real agent with the files plugin confined to `roots` (plus any other options). */
export function startFilesAgent(roots: string[], options: Record<string, unknown> = {}, config: Record<string, unknown> = {}): Promise<TestAgent> {
  return startTestAgent({ config: { ...config, plugins: { files: { options: { roots, ...options } }, ...((config.plugins as object) ?? {}) } } as never });
}

/** A multipart/form-data body with one part per file (field `file`), as a browser's FormData sends it. */
export function multipart(files: Array<{ name: string; data: Buffer | string; field?: string }>, fields: Record<string, string> = {}): { body: Buffer; contentType: string } {
  const boundary = `----tf${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name.replace(/"/g, '%22')}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: any;
}

/** One request with a raw body (multipart uploads) or none; any status resolves. */
export function request(agent: TestAgent, method: string, route: string, options: { token?: string | null; body?: Buffer; contentType?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      headers['content-length'] = String(options.body.length);
    }
    const req = http.request(agent.url + route, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: any;
        if (/json/.test(String(res.headers['content-type'])) && body.length > 0) json = JSON.parse(body.toString('utf8'));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Uploads `files` into `dir` as `token`. */
export function upload(agent: TestAgent, token: string, dir: string, files: Array<{ name: string; data: Buffer | string }>, query = ''): Promise<Answer> {
  const form = multipart(files);
  return request(agent, 'POST', `/api/files/upload?dir=${encodeURIComponent(dir)}${query}`, { token, body: form.body, contentType: form.contentType });
}

/** Every name under `dir`, recursively, relative, sorted (to prove nothing appeared or vanished). */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const rel = prefix + entry.name;
      out.push(rel);
      if (entry.isDirectory()) walk(path.join(at, entry.name), `${rel}/`);
    }
  };
  walk(dir, '');
  return out.sort();
}
