/**
 * Split one CSV line (RFC 4180 quoting, no embedded line breaks) into cells. Returns undefined for an
 * unterminated quote. Quoted cells are unquoted (`""` → `"`); unquoted cells are kept as they are.
 */
export function splitCsvLine(line: string, sep = ','): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
      if (i < n && line[i] !== sep) return undefined;
    } else {
      const c = line.indexOf(sep, i);
      out.push(c < 0 ? line.slice(i) : line.slice(i, c));
      i = c < 0 ? n : c;
    }
    if (i >= n) return out;
    i++; // separator
    if (i === n) {
      out.push('');
      return out;
    }
  }
}
