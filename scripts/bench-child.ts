// Child process of the benchmark runner (src/bench/runner.ts): runs ONE benchmark and writes its report.
// Usage (by the runner only): node --import tsx scripts/bench-child.ts <file.bench.ts> <report.json> <quick 0|1>
import { runChild } from '../src/bench/child';

const [file, out, quick] = process.argv.slice(2);
if (!file || !out) {
  process.stderr.write('usage: node --import tsx scripts/bench-child.ts <file.bench.ts> <report.json> <0|1>\n');
  process.exit(2);
}
runChild(file, out, quick === '1').catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
