// A module that throws is errored with its error; evaluate rejects each time.
import vm from 'node:vm';
const m = new vm.SourceTextModule('throw new RangeError("bad module")');
await m.link(() => {});
for (let i = 0; i < 2; i++) {
  try { await m.evaluate(); } catch (e) { console.log('rejected', e.name, e.message); }
}
console.log(m.status, m.error.message, m.error instanceof RangeError);
