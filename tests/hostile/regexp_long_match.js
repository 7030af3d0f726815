// expect: ok 200000
// expect: ok null
// expect: end
check(() => /(?:a|b)*/.exec('ab'.repeat(1e5))[0].length);
check(() => /(a|b)*c/.exec('ab'.repeat(1e3)));
