// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: threw SyntaxError
// expect: end
check(() => new RegExp('('.repeat(1e5) + ')'.repeat(1e5)));
check(() => new RegExp('(?:'.repeat(1e5) + 'a' + ')'.repeat(1e5)));
check(() => new RegExp('[' .repeat(1e5) + ']'.repeat(1e5), 'v'));
