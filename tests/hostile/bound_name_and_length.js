// expect: ok bound b
// expect: ok 1
// expect: ok true
// expect: end
function f(a) {}
const b = boundChain(f, 3e4);
check(() => b.bind(null).name);
check(() => b.length);
check(() => typeof b === 'function' && Reflect.construct(Object, [], b) instanceof Object);
