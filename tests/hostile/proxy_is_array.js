// expect: ok true
// expect: ok false
// expect: end
check(() => Array.isArray(proxyChain([], 1e5)));
check(() => Array.isArray(proxyChain({}, 1e5)));
