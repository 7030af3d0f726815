// expect: [Object: null prototype] {}
// expect: ok undefined
// expect: end
const p = proxyChain({ a: 1 }, 1e5);
check(() => console.log(p));
