// expect: ok 1
// expect: end
const o = protoChain({ x: 1 }, 1e5);
check(() => { let n = 0; for (const k in o) n++; return n; });
