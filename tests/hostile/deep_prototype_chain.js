// expect: ok undefined
// expect: ok 1
// expect: ok true
// expect: ok 2
// expect: ok true
// expect: ok true
// expect: threw TypeError
// expect: end
const root = { x: 1 };
const o = protoChain(root, 1e5);
check(() => o.missing);
check(() => o.x);
check(() => 'x' in o);
check(() => { o.y = 2; return o.y; });
check(() => root.isPrototypeOf(o));
check(() => o instanceof Object);
check(() => Object.setPrototypeOf(root, o));
