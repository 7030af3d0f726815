// A well-behaved plugin: returns an object the host reads field by field.
import { log } from 'host';

export const description = 'counts words and finds the longest';

export function run(input) {
  const words = input.split(/\s+/).filter(Boolean);
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a), '');
  log(`${words.length} words`);
  return { words: words.length, longest, upper: longest.toUpperCase() };
}
