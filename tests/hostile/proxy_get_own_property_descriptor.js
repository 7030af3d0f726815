// expect: RangeError
// expect: end
const p = proxyChain({ a: 1 }, 1e5);
check(() => Object.getOwnPropertyDescriptor(p, 'a'));
