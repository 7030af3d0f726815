// expect: ok 1
// expect: end
const b = boundChain(function () { return 1; }, 3e4);
check(() => b());
