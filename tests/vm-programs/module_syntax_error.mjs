// A module with a syntax error throws at construction.
import vm from 'node:vm';
for (const code of ['export {', 'import', 'await =', 'export default 1; export default 2;', 'let a; let a;', 'return 1']) {
  try { new vm.SourceTextModule(code); console.log('ok'); } catch (e) { console.log(e.name, e instanceof SyntaxError); }
}
console.log(new vm.SourceTextModule('await 1').status);
