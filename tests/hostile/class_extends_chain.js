// expect: RangeError
// expect: ok 1
// expect: end
let C = class { static s = 1; };
for (let i = 0; i < 1e5; i++) C = class extends C {};
check(() => new C());
check(() => C.s);
