// process's event methods, which Kiln makes on their first call: the same functions before and
// after, aliases that are the same functions, `emit`'s answer, `once`, and a listener check.
const on = process.on;
console.log(on === process.addListener, process.off === process.removeListener, on.length);
console.log(process.emit('nothing'), process.listenerCount('tick'));
process.once('tick', (n) => console.log('tick once', n));
on.call(process, 'tick', (n) => console.log('tick', n));
console.log(process.emit('tick', 1), process.emit('tick', 2), process.listenerCount('tick'));
console.log(process.on === on, typeof process.emit);
try {
  process.on('tick', 5);
} catch (e) {
  console.log(e.name, e.code);
}
process.removeAllListeners('tick');
console.log(process.listeners('tick').length);
process.on('exit', (code) => console.log('exit', code));
