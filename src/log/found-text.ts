/**
 * A parsed JSON value as the `found` part of a message: its JSON text, cut to `maxChars` characters with `…`.
 * Bounded twice over: `JSON.stringify` of a value nested 50,000 deep (a `--map` rule `[[[…]]]`) overflows
 * the stack, which ended the CLI with an internal error; and a huge value would print whole. A number too
 * large for a double (`1e999` in the file) parses to Infinity, which JSON prints as `null`: it is shown as
 * `Infinity`, what the value became, never as a null the file does not hold.
 */
export function foundText(value: unknown, maxChars = 60): string {
  let text: string;
  if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Array.isArray(value) ? '[…]' : typeof value === 'object' && value !== null ? '{…}' : String(value);
    }
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
