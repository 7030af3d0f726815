// atob and btoa, with their DOMExceptions.
console.log(btoa('hello world'), atob('aGVsbG8gd29ybGQ='), atob(' aGV sbG8 '), JSON.stringify(btoa('')), JSON.stringify(atob('')));
console.log(btoa('a'), btoa('ab'), btoa('abc'), atob('YQ'), atob('YWI='), btoa('\xff\xfe\x00'));
console.log(btoa(123), atob('MTIz'), btoa(null));
for (const bad of ['€']) {
  try { btoa(bad); } catch (e) { console.log(e.name, e.code, e.message, e instanceof DOMException, e instanceof Error); }
}
for (const bad of ['a', 'abcde', 'ab$c', 'abc==', 'ab=c']) {
  try { console.log(JSON.stringify(atob(bad))); } catch (e) { console.log(e.name, e.message); }
}
const d = new DOMException('custom message', 'DataCloneError');
console.log(d.name, d.message, d.code, String(d), DOMException.DATA_CLONE_ERR);
console.log(new DOMException().name, new DOMException('m', { name: 'AbortError' }).code);
