// Linking to an errored module rejects with ERR_VM_MODULE_LINK_FAILURE.
import vm from 'node:vm';
const bad = new vm.SourceTextModule('throw new Error("boom")');
await bad.link(() => {});
try { await bad.evaluate(); } catch {}
console.log(bad.status);
const m = new vm.SourceTextModule('import "bad";');
try { await m.link(() => bad); } catch (e) { console.log(e.name, e.code, e.message); }
