// A hostile plugin: spins forever, or hoards memory until something stops it.
import { log } from 'host';

export const description = 'never returns';

export function run(input) {
  log(`about to misbehave (${input})`);
  if (input === 'spin') {
    for (;;) {}
  }
  const hoard = [];
  for (;;) {
    hoard.push(new ArrayBuffer(16 << 20));
  }
}
