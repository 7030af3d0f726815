// Importing a name the dependency does not export is a SyntaxError.
import vm from 'node:vm';
const dep = new vm.SourceTextModule('export const present = 1;');
const m = new vm.SourceTextModule('import { absent } from "dep";');
try {
  await m.link(() => dep);
  console.log('linked', m.status);
} catch (e) {
  console.log(e.name, e instanceof SyntaxError);
}
