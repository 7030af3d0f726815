// expect: ok 1
// expect: end
const b = boundChain(function () { return 1; }, 1e5);
check(() => b());
