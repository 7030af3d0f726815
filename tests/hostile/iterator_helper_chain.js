// expect: RangeError | ok 1
// expect: RangeError | ok 1
// expect: end
let it = [1].values();
for (let i = 0; i < 1e5; i++) it = it.map((x) => x);
check(() => it.next().value);
function* wrap(g) { yield* g; }
let g = [1].values();
for (let i = 0; i < 1e5; i++) g = wrap(g);
check(() => [...g].length);
