// A failed link leaves the module errored with its error; linking to an errored module
// rejects with ERR_VM_MODULE_LINK_FAILURE whose cause is that module's error (point 5).
import vm from 'node:vm';
const bad = new vm.SourceTextModule('throw new Error("boom")');
await bad.link(() => {});
try { await bad.evaluate(); } catch {}
const m = new vm.SourceTextModule('import "bad";');
try { await m.link(() => bad); } catch (e) { console.log(e.code, e.cause === bad.error, e.cause.message); }
console.log(m.status, m.error.code);
const t = new vm.SourceTextModule('import "x";');
const p = t.link(async () => { throw new TypeError('linker rejected'); });
console.log(t.status);
try { await p; } catch (e) { console.log(e.message); }
console.log(t.status, t.error.message);
try { await t.link(() => {}); } catch (e) { console.log(e.code, e.message); }
try { await t.evaluate(); } catch (e) { console.log(e.code, e.message); }
try { t.createCachedData(); } catch (e) { console.log(e.code); }
