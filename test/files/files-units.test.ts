import { execFileSync } from 'node:child_process';
import { parseByteRange } from '../../src/plugin-api';
import { checkPathText } from '../../src/plugins/files/check-path-text';
import { isInside } from '../../src/plugins/files/is-inside';
import { sanitizeFileName } from '../../src/plugins/files/sanitize-file-name';
import { shellQuote } from '../../src/plugins/files/shell-quote';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('the pieces of the files plugin', () => {
  test('isInside is a path test, never a string prefix', () => {
    expect(isInside('/home/alice', '/home/alice')).toBe(true);
    expect(isInside('/home/alice', '/home/alice/a/b')).toBe(true);
    expect(isInside('/home/alice', '/home/alice/..hidden')).toBe(true);
    expect(isInside('/home/al', '/home/alice')).toBe(false);
    expect(isInside('/home/alice', '/home/alice-sibling/x')).toBe(false);
    expect(isInside('/home/alice', '/home')).toBe(false);
    expect(isInside('/', '/anything')).toBe(true);
  });

  test('checkPathText lets ordinary names through, ellipses and non-Latin scripts included', () => {
    for (const ok of ['/home/ada/notes.md', '~/projects/…draft', '/srv/日本語/ファイル.txt', '/a/..b/c..', '/x/.hidden', '~']) expect(codeOf(() => checkPathText(ok))).toBe('ok');
    for (const bad of ['', '/a/../b', '..', '/a\\b', '/a\0', '/a/%2e%2e', '/a/%252e', '/\u2025', '/a\u2215b', '/\uff0e\uff0e', '/a\u200d', '/a\nb', `/${'x'.repeat(256)}`]) {
      expect([bad, codeOf(() => checkPathText(bad))]).toEqual([bad, 'TF_ERR_BAD_PATH']);
    }
  });

  test('sanitizeFileName keeps one usable name', () => {
    expect(sanitizeFileName('photo.png')).toBe('photo.png');
    expect(sanitizeFileName('/etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('..\\..\\boot.ini')).toBe('boot.ini');
    expect(sanitizeFileName('a\u2215b.txt')).toBe('a_b.txt');
    expect(sanitizeFileName('tab\there.txt')).toBe('tabhere.txt');
    expect(sanitizeFileName('trailing... ')).toBe('trailing');
    expect(sanitizeFileName('e\u0301t\u00e9.txt')).toBe('\u00e9t\u00e9.txt'); // NFC
    expect(Buffer.byteLength(sanitizeFileName(`${'ü'.repeat(200)}.jpeg`))).toBeLessThanOrEqual(255);
    expect(sanitizeFileName(`${'ü'.repeat(200)}.jpeg`).endsWith('.jpeg')).toBe(true);
    for (const bad of ['', '.', '..', '....', ' ', '\u200b']) expect(codeOf(() => sanitizeFileName(bad))).toBe('TF_ERR_BAD_NAME');
  });

  test('shellQuote gives one word that sh reads back as the same text', () => {
    const samples = ['/plain/path.txt', '/with space/x', "/it's", '/$(reboot)', '/`id`', '/a"b', '/semi;colon&amp|pipe', '/star*?[x]', '/new\nline', '/~tilde', '/-dash'];
    for (const sample of samples) {
      const word = shellQuote(sample);
      expect(execFileSync('sh', ['-c', `printf '%s' ${word}`]).toString()).toBe(sample);
    }
    expect(shellQuote('/plain/path.txt')).toBe('/plain/path.txt');
    expect(shellQuote("/it's")).toBe(`'/it'\\''s'`);
  });

  test('parseByteRange: one range, else the whole body; past the end is 416', () => {
    expect(parseByteRange(undefined, 100)).toEqual({ kind: 'full' });
    expect(parseByteRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseByteRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseByteRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseByteRange('bytes=0-1,2-3', 100)).toEqual({ kind: 'partial', start: 0, end: 3 }); // adjacent ranges combine
    expect(parseByteRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'full' });
    expect(parseByteRange('bytes=9-1', 100)).toEqual({ kind: 'full' });
    expect(parseByteRange('lines=1-2', 100)).toEqual({ kind: 'full' });
    expect(parseByteRange('bytes=0-9', 100, { header: '"old"', currentValidator: '"new"' })).toEqual({ kind: 'full' });
    expect(codeOf(() => parseByteRange('bytes=100-', 100))).toBe('TF_ERR_RANGE_NOT_SATISFIABLE');
  });
});
