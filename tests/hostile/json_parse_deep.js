// expect: RangeError
// expect: RangeError | ok object
// expect: end
check(() => JSON.parse('['.repeat(1e6) + ']'.repeat(1e6)));
check(() => JSON.parse('{"a":'.repeat(1e5) + '1' + '}'.repeat(1e5)));
