// createCachedData after a failed evaluation.
import vm from 'node:vm';
const m = new vm.SourceTextModule('throw 1');
await m.link(() => {});
try { await m.evaluate(); } catch (e) { console.log('threw', e); }
try { m.createCachedData(); } catch (e) { console.log(e.name, e.code, e.message); }
