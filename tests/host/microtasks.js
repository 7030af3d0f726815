// Promise jobs, await and queueMicrotask interleave in spec order.
async function first() {
  console.log('first start');
  await null;
  console.log('first after await');
  await new Promise((resolve) => setTimeout(resolve, 100));
  console.log('first after timer');
  return 'first done';
}
async function second() {
  console.log('second start');
  await Promise.resolve();
  console.log('second after await');
  throw new Error('second failed');
}
first().then((v) => console.log(v));
second().catch((e) => console.log('caught', e.message));
Promise.resolve(1)
  .then((v) => { console.log('then', v); return v + 1; })
  .then((v) => { console.log('then', v); return Promise.resolve(v + 1); })
  .then((v) => console.log('then', v));
queueMicrotask(() => console.log('queued microtask'));
Promise.reject(new Error('handled later'))
  .catch((e) => console.log('handled', e.message))
  .finally(() => console.log('finally'));
const late = Promise.reject(new Error('handled in the same drain'));
queueMicrotask(() => late.catch((e) => console.log('late catch', e.message)));
Promise.all([1, Promise.resolve(2), new Promise((r) => setImmediate(() => r(3)))])
  .then((values) => console.log('all', values));
Promise.allSettled([Promise.reject(new Error('no')), 1]).then((r) => console.log(r.map((x) => x.status)));
Promise.race([new Promise((r) => setTimeout(() => r('slow'), 150)), new Promise((r) => setTimeout(() => r('fast'), 120))])
  .then((v) => console.log('race', v));
console.log('sync end');
