/**
 * One line for a `node:util` `parseArgs` error. Node's messages span several lines for some cases (a value
 * starting with `-` is "ambiguous", with two lines of hints), but gmemlab's contract (docs/cli.md §1) is ONE
 * stderr line `argument: …` for bad arguments. Known cases get a short message of their own; anything
 * else keeps its first line.
 */
export function oneLineArgError(e: unknown): string {
  const msg = String((e as Error)?.message ?? e);
  // names come as '--seed' or '-o, --output' (short and long form), optionally followed by ' <value>'
  let m = /Option '([^']+?)(?: <value>)?' argument is ambiguous/.exec(msg);
  if (m) {
    const long = m[1]!.split(', ').pop()!;
    return `option ${m[1]} needs a value; a value starting with '-' must be attached: ${long}=<value>`;
  }
  m = /Option '([^']+?)(?: <value>)?' argument missing/.exec(msg);
  if (m) return `option ${m[1]} needs a value`;
  m = /Unknown option '([^']+)'/.exec(msg);
  if (m) return `unknown option '${m[1]}'`;
  m = /Unexpected argument '([^']*)'/.exec(msg);
  if (m) return `unexpected argument '${m[1]}'`;
  m = /Option '([^']+?)(?: <value>)?' does not take an argument/.exec(msg);
  if (m) return `option ${m[1]} takes no value`;
  return msg.split('\n')[0]!.trim();
}
