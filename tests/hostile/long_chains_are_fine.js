// expect: ok 100001
// expect: ok function
// expect: ok 100000
// expect: end
const n = 1e5;
check(() => eval('1' + '+1'.repeat(n)));
check(() => eval('(function f() { return f; })' + '()'.repeat(n)));
check(() => eval('let a = 0;' + 'a++;'.repeat(n) + 'a'));
