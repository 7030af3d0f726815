// `context.access` (CreateDecoratorAccessObject in the decorators proposal): `get` for what can
// be read, `set` for what can be written, `has` for all; public elements by [[Get]], [[Set]]
// and [[HasProperty]] on any object, private ones by their private name, with its brand check.

function assertEq(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

function assertThrows(E, f, what) {
  try {
    f();
  } catch (e) {
    if (!(e instanceof E)) throw new Error(`${what}: threw ${e}`);
    return;
  }
  throw new Error(`${what}: did not throw`);
}

const access = {};
const keep = (name) => (value, context) => {
  access[name] = context.access;
};

class C {
  @keep('method') m() {
    return 'm';
  }
  @keep('getter') get g() {
    return `g of ${this.id}`;
  }
  @keep('setter') set s(v) {
    this.written = v;
  }
  @keep('field') f = 'f';
  @keep('accessor') accessor a = 'a';
  @keep('privateMethod') #pm() {
    return 'pm';
  }
  @keep('privateGetter') get #pg() {
    return `pg of ${this.id}`;
  }
  @keep('privateSetter') set #ps(v) {
    this.written = `#ps ${v}`;
  }
  @keep('privateField') #pf = 'pf';
  @keep('privateAccessor') accessor #pa = 'pa';
  @keep('staticPrivateField') static #spf = 'spf';
  @keep('staticMethod') static sm() {
    return 'sm';
  }
  id = 'c';
  readPf() {
    return this.#pf;
  }
  readPa() {
    return this.#pa;
  }
  static readSpf() {
    return C.#spf;
  }
}

// Which functions each kind has.
{
  const shape = (a) => ['get', 'set', 'has'].filter((k) => Object.hasOwn(a, k)).join();
  assertEq(shape(access.method), 'get,has', 'method');
  assertEq(shape(access.getter), 'get,has', 'getter');
  assertEq(shape(access.setter), 'set,has', 'setter');
  assertEq(shape(access.field), 'get,set,has', 'field');
  assertEq(shape(access.accessor), 'get,set,has', 'accessor');
  assertEq(shape(access.privateMethod), 'get,has', 'private method');
  assertEq(shape(access.privateSetter), 'set,has', 'private setter');
  assertEq(shape(access.privateAccessor), 'get,set,has', 'private accessor');
  assertEq(Object.getPrototypeOf(access.method), Object.prototype, 'an ordinary object');
  console.log('shapes: ok');
}

// Public elements: any object, by name.
{
  const c = new C();
  assertEq(access.method.get(c), C.prototype.m, 'method get');
  assertEq(access.method.get({ m: 5 }), 5, 'method get on another object');
  assertEq(access.method.has(c), true, 'method has');
  assertEq(access.method.has({}), false, 'method has elsewhere');
  assertEq(access.getter.get(c), 'g of c', 'getter with the object as receiver');
  access.setter.set(c, 1);
  assertEq(c.written, 1, 'setter');
  assertEq(access.field.get(c), 'f', 'field get');
  access.field.set(c, 'F');
  assertEq(c.f, 'F', 'field set');
  assertEq(access.field.has(Object.create(c)), true, 'has sees inherited properties');
  assertEq(access.accessor.get(c), 'a', 'accessor get');
  access.accessor.set(c, 'A');
  assertEq(c.a, 'A', 'accessor set');
  assertThrows(TypeError, () => access.field.set(Object.freeze({ f: 1 }), 2), 'set throws on failure');
  assertEq(access.staticMethod.get(C)(), 'sm', 'static method');
  const { get } = access.field;
  assertEq(get(c), 'F', 'unbound');
  console.log('public: ok');
}

// Private elements: brand-checked.
{
  const c = new C();
  assertEq(access.privateMethod.get(c)(), 'pm', 'private method get');
  assertEq(access.privateMethod.has(c), true, 'private method has');
  assertEq(access.privateMethod.has({}), false, 'private method has elsewhere');
  assertThrows(TypeError, () => access.privateMethod.get({}), 'private method get elsewhere');
  assertEq(access.privateGetter.get(c), 'pg of c', 'private getter');
  access.privateSetter.set(c, 2);
  assertEq(c.written, '#ps 2', 'private setter');
  assertEq(access.privateField.get(c), 'pf', 'private field get');
  access.privateField.set(c, 'PF');
  assertEq(c.readPf(), 'PF', 'private field set');
  assertThrows(TypeError, () => access.privateField.get({}), 'private field get elsewhere');
  assertThrows(TypeError, () => access.privateField.set({}, 1), 'private field set elsewhere');
  assertEq(access.privateField.has(c), true, 'private field has');
  assertEq(access.privateField.has(Object.create(c)), false, 'no private field through the prototype');
  assertEq(access.privateAccessor.get(c), 'pa', 'private accessor get');
  access.privateAccessor.set(c, 'PA');
  assertEq(c.readPa(), 'PA', 'private accessor set');
  assertEq(access.privateAccessor.has(c), true, 'private accessor has');
  assertEq(access.staticPrivateField.get(C), 'spf', 'static private field');
  access.staticPrivateField.set(C, 'SPF');
  assertEq(C.readSpf(), 'SPF', 'static private field set');
  assertEq(access.staticPrivateField.has(c), false, 'static private field not on instances');
  console.log('private: ok');
}

// Only objects.
{
  for (const v of [undefined, null, 1, 'f', Symbol()]) {
    assertThrows(TypeError, () => access.field.get(v), 'get of a primitive');
    assertThrows(TypeError, () => access.field.set(v, 1), 'set of a primitive');
    assertThrows(TypeError, () => access.field.has(v), 'has of a primitive');
    assertThrows(TypeError, () => access.privateField.has(v), 'private has of a primitive');
  }
  console.log('objects only: ok');
}

// Accessors read and write through the decorated getter and setter.
{
  const log = [];
  let acc;
  const logged = (value, context) => {
    acc = context.access;
    return {
      get() {
        log.push('get');
        return value.get.call(this);
      },
      set(v) {
        log.push(`set ${v}`);
        value.set.call(this, v);
      },
    };
  };
  class D {
    @logged accessor #x = 1;
  }
  const d = new D();
  acc.set(d, 2);
  assertEq(acc.get(d), 2, 'value');
  assertEq(log.join(), 'set 2,get', 'through the decorated pair');
  console.log('through decorated accessors: ok');
}
