// expect: ok 30001
// expect: ok function
// expect: ok 30000
// expect: end
const n = 3e4;
check(() => eval('1' + '+1'.repeat(n)));
check(() => eval('(function f() { return f; })' + '()'.repeat(n)));
check(() => eval('let a = 0;' + 'a++;'.repeat(n) + 'a'));
