/**
 * Graceful interruption for long commands (SIGINT during a sweep). `runCli` routes SIGINT/SIGTERM here
 * first: a command that registered a handler gets the first signal (it stops its work, keeps what finished
 * and reports it, exiting 130); without a handler, or on a second signal, the CLI removes pending
 * temporaries and exits at once (130). Either way no partial file is left behind.
 */

type Handler = (sig: NodeJS.Signals) => boolean;
const handlers: Handler[] = [];

/**
 * Register `h` for the duration of a command; it returns true when it handles the signal gracefully, false
 * to let the CLI exit immediately (e.g. on a second Ctrl-C). Returns the function that unregisters it.
 */
export function onInterrupt(h: Handler): () => void {
  handlers.push(h);
  return () => {
    const i = handlers.indexOf(h);
    if (i >= 0) handlers.splice(i, 1);
  };
}

/** Offer a signal to the registered handlers (newest first); true when one handled it. */
export function dispatchInterrupt(sig: NodeJS.Signals): boolean {
  for (let i = handlers.length - 1; i >= 0; i--) if (handlers[i]!(sig)) return true;
  return false;
}

/** The reason an interrupted command's AbortSignal carries. */
export class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted (${signal})`);
    this.name = 'Interrupted';
  }
}
