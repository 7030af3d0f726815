// expect: ok object
// expect: end
const b = boundChain(function () {}, 3e4);
check(() => new b());
