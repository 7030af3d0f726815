// expect: ok object
// expect: end
const b = boundChain(function () {}, 1e5);
check(() => new b());
