// process's hrtime, execArgv and exit event; import() of a file: URL; the global Buffer in a
// module.
console.log(Array.isArray(process.execArgv), process.hrtime().length, typeof process.hrtime.bigint());
const [s, ns] = process.hrtime(process.hrtime());
console.log(s >= 0 && ns >= 0, Buffer.from('m').toString('hex'));
process.on('exit', (code) => console.log('exit listener', code, process.exitCode));
process.once('exit', () => console.log('once'));
const listener = () => console.log('removed, never printed');
process.on('exit', listener);
process.off('exit', listener);
const self = await import(new URL('./modules/process_node_dep.mjs', import.meta.url).href);
console.log(self.value);
