// expect: E
// expect: ok undefined
// expect: ok e29998
// expect: end
let e = new Error('root');
for (let i = 0; i < 3e4; i++) e = new Error('e' + i, { cause: e });
Object.defineProperty(e, 'stack', { value: 'E' });
check(() => console.log(e));
check(() => e.cause.message);
