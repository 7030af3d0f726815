// expect: RangeError
// expect: RangeError
// expect: end
const o = Object.create(proxyChain({}, 1e5));
check(() => o.x);
check(() => { o.x = 1; });
