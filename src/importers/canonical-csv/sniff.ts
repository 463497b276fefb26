/**
 * True when `head` looks like a canonical CSV: after an optional UTF-8 BOM and `#` lines, the first line
 * is a header naming at least `t_ns` and `op`. Never throws.
 */
export function sniffCanonicalCsv(head: Uint8Array): boolean {
  let text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const names = line.split(',').map((n) => n.trim().replace(/^"|"$/g, ''));
    return names.includes('t_ns') && names.includes('op');
  }
  return false;
}
