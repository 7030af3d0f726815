// expect: ok 200000
// expect: ok a
// expect: ok 199999
// expect: ok true
// expect: end
let s = '';
for (let i = 0; i < 1e5; i++) s = s + 'a';
for (let i = 0; i < 1e5; i++) s = 'b' + s;
check(() => s.length);
check(() => s[199999]);
check(() => s.lastIndexOf('a'));
check(() => ({ [s]: 1 })[s] === 1);
