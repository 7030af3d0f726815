// A module waits on a timer with top-level await, and its timers keep the loop alive.
console.log('module start');
const value = await new Promise((resolve) => setTimeout(() => resolve(42), 10));
console.log('awaited', value);
await null;
setTimeout(() => console.log('timer after await'), 5);
queueMicrotask(() => console.log('microtask in module'));
console.log('module end', typeof process.argv[1]);
