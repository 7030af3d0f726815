// expect: ok 1000000
// expect: ok null
// expect: end
check(() => /(?:a|b)*/.exec('ab'.repeat(5e5))[0].length);
check(() => /(a|b)*c/.exec('ab'.repeat(2e3)));
