// A well-behaved plugin: uses the host's `log` and returns a string.
import { log, hostVersion } from 'host';

let calls = 0;

export const description = 'greets whoever it is given';

export function run(input) {
  calls += 1;
  log(`call ${calls} on host ${hostVersion}`);
  return `Hello, ${input}!`;
}
