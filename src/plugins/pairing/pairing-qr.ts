import qrcode from 'qrcode-generator';

/** The QR code of `text` as a module matrix (true = dark), error correction M. */
export function qrMatrix(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const size = qr.getModuleCount();
  return Array.from({ length: size }, (_, row) => Array.from({ length: size }, (_, col) => qr.isDark(row, col)));
}

/** An SVG of `text`'s QR code (dark modules on white, a 4-module quiet zone), for the web page. */
export function qrSvg(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  return qr.createSvgTag({ cellSize: 4, margin: 16, scalable: true });
}

/**
 * `text`'s QR code for a terminal: two modules per character row with half blocks. Light modules
 * (and a 2-module quiet zone) are drawn, dark ones left blank, which scans on the usual light-on-dark
 * terminal. On a dark-on-light terminal use the page's QR code or the printed link.
 */
export function qrTerminal(text: string): string {
  const matrix = qrMatrix(text);
  const quiet = 2;
  const size = matrix.length + quiet * 2;
  const light = (row: number, col: number) => {
    const r = row - quiet;
    const c = col - quiet;
    return r < 0 || c < 0 || r >= matrix.length || c >= matrix.length || !matrix[r][c];
  };
  const lines: string[] = [];
  for (let row = 0; row < size; row += 2) {
    let line = '';
    for (let col = 0; col < size; col++) {
      const top = light(row, col);
      const bottom = row + 1 < size ? light(row + 1, col) : true;
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}
