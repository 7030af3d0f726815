// expect: threw SyntaxError | ok object
// expect: threw SyntaxError | ok object
// expect: end
check(() => new RegExp('a|'.repeat(1e5) + 'b'));
check(() => eval('/' + 'a|'.repeat(1e5) + 'b/'));
