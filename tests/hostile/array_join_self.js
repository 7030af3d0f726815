// expect: ok 1,
// expect: end
const a = [1];
a.push(a);
check(() => a.join());
