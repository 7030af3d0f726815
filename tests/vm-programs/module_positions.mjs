// A module's offsets shift the positions in its stack traces.
import vm from 'node:vm';
async function where(options) {
  const m = new vm.SourceTextModule('\nthrow new Error("at")', options);
  await m.link(() => {});
  try { await m.evaluate(); } catch (e) { return e.stack.split('\n')[1].trim(); }
}
console.log(await where({}));
console.log(await where({ identifier: 'id.mjs' }));
console.log(await where({ identifier: 'off.mjs', lineOffset: 5, columnOffset: 3 }));
