// Shared by every program in this directory (tests/hostile_recursion.rs prepends it).
// check(f) prints `RangeError`, `threw <name>` for another exception, or `ok <result>`.
function check(f) {
  try {
    const r = f();
    console.log('ok', r !== null && (typeof r === 'object' || typeof r === 'function') ? typeof r : String(r));
  } catch (e) {
    console.log(e instanceof RangeError ? 'RangeError' : 'threw ' + (e && e.name));
  }
}
function proxyChain(target, n) {
  let p = target;
  for (let i = 0; i < n; i++) p = new Proxy(p, {});
  return p;
}
// Each link's name is reset, or the names ("bound bound ...") would make building it quadratic.
function boundChain(f, n) {
  let b = f;
  for (let i = 0; i < n; i++) {
    b = Function.prototype.bind.call(b, null);
    Object.defineProperty(b, 'name', { value: 'b' });
  }
  return b;
}
function nestedArray(n) {
  let a = [1];
  for (let i = 0; i < n; i++) a = [a];
  return a;
}
function nestedObject(n) {
  let o = { v: 1 };
  for (let i = 0; i < n; i++) o = { a: o };
  return o;
}
function protoChain(root, n) {
  let o = root;
  for (let i = 0; i < n; i++) o = Object.create(o);
  return o;
}
