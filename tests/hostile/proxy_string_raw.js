// expect: RangeError
// expect: end
const p = proxyChain({ length: 1, 0: 'a' }, 1e5);
check(() => String.raw({ raw: p }));
