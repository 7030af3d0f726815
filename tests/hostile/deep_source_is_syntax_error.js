// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: end
const n = 1e5;
for (const src of ['('.repeat(n) + ')'.repeat(n), '['.repeat(n) + ']'.repeat(n), '({a:'.repeat(n) + '1' + '})'.repeat(n), '`${'.repeat(n) + '}`'.repeat(n), 'x=>'.repeat(n) + 'x', 'a?'.repeat(n) + 'b' + ':b'.repeat(n), '-'.repeat(n) + '1', 'a='.repeat(n) + '1', '{'.repeat(n) + '}'.repeat(n), 'a**'.repeat(n) + 'a']) check(() => eval(src));
