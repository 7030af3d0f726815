// Import attributes reach the linker in null-prototype objects; a request is its specifier
// and its attributes (point 5).
import vm from 'node:vm';
const m = new vm.SourceTextModule(`import a from "x" with { type: "json" };
import b from "x";
export * from "y" with { a: "1", b: "2" };
export { c } from "y" with { b: "2", a: "1" };`);
console.log(m.dependencySpecifiers.join());
const seen = [];
await m.link((specifier, referrer, extra) => {
  seen.push(specifier + JSON.stringify(extra.attributes) + (Object.getPrototypeOf(extra.attributes) === null));
  return new vm.SyntheticModule(['default', 'c'], () => {});
});
console.log(seen.join(' '));
