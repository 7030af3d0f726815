// expect: { a: { a: { a: [Object] } } }
// expect: ok undefined
// expect: [ [ [ [Array] ] ] ]
// expect: ok undefined
// expect: Promise { <rejected> Promise { <rejected> Promise { <rejected> [Promise] } } }
// expect: ok undefined
// expect: end
check(() => console.log(nestedObject(1e5)));
check(() => console.log(nestedArray(1e5)));
let p = Promise.reject(1);
for (let i = 0; i < 3e4; i++) { p.catch(() => {}); p = Promise.reject(p); }
p.catch(() => {});
check(() => console.log(p));
