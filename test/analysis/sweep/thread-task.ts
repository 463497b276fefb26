/** A task module for the pool tests: each task answers the id of the thread it ran on. */
import { threadId } from 'node:worker_threads';

export async function runTask(): Promise<number> {
  return threadId;
}
