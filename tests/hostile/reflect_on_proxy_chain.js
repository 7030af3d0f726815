// expect: RangeError
// expect: RangeError
// expect: RangeError
// expect: RangeError
// expect: RangeError
// expect: end
const p = proxyChain(function () {}, 1e5);
check(() => Reflect.get(p, 'x'));
check(() => Reflect.has(p, 'x'));
check(() => Reflect.apply(p, null, []));
check(() => Reflect.construct(p, []));
check(() => Reflect.getOwnPropertyDescriptor(p, 'x'));
