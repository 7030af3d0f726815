// What each kind of decorator receives and what its result does: classes, methods, getters,
// setters, fields and auto-accessors, public and private, static and not (the decorators
// proposal, 2023-05 semantics: CreateDecoratorContextObject, ApplyDecoratorsToElementDefinition).

function assertEq(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

function record(list) {
  return (value, context) => {
    list.push({ value, context });
  };
}

// The context object: its keys in order, as data properties.
{
  const seen = [];
  @record(seen)
  class C {
    @record(seen) m() {}
    @record(seen) static #s() {}
  }
  // Static elements are decorated first.
  const [staticPrivate, method, klass] = seen.map((s) => s.context);
  assertEq(Object.keys(method).join(), 'kind,access,static,private,name,addInitializer,metadata', 'element keys');
  assertEq(Object.keys(klass).join(), 'kind,name,addInitializer,metadata', 'class keys');
  assertEq(Object.getPrototypeOf(method), Object.prototype, 'prototype');
  for (const key of Object.keys(method)) {
    const d = Object.getOwnPropertyDescriptor(method, key);
    assertEq(d.writable && d.enumerable && d.configurable, true, `attributes of ${key}`);
  }
  assertEq(method.kind, 'method', 'kind');
  assertEq(method.name, 'm', 'name');
  assertEq(method.static, false, 'static');
  assertEq(method.private, false, 'private');
  assertEq(staticPrivate.name, '#s', 'private name');
  assertEq(staticPrivate.static, true, 'static');
  assertEq(staticPrivate.private, true, 'private');
  assertEq(klass.kind, 'class', 'class kind');
  assertEq(klass.name, 'C', 'class name');
  assertEq(typeof klass.addInitializer, 'function', 'addInitializer');
  assertEq(klass.addInitializer.length, 1, 'addInitializer length');
  assertEq(klass.addInitializer.name, 'addInitializer', 'addInitializer name');
  // Each decorator gets a context of its own.
  const two = [];
  class D {
    @record(two) @record(two) x;
  }
  assertEq(two[0].context !== two[1].context, true, 'fresh contexts');
  assertEq(two[0].context.addInitializer !== two[1].context.addInitializer, true, 'fresh addInitializer');
  // A decorator may change its context; the class does not read it back.
  let kept;
  const vandal = (value, context) => {
    const kind = context.kind;
    kept = context.addInitializer;
    for (const key of Object.keys(context)) delete context[key];
    context.kind = 'field';
    if (kind === 'method') {
      return function () {
        return 'still a method';
      };
    }
  };
  @vandal class V {
    @vandal m() {}
  }
  assertEq(new V().m(), 'still a method', 'a method still');
  let lateThrew = false;
  try {
    kept(() => {});
  } catch (e) {
    lateThrew = e instanceof TypeError;
  }
  assertEq(lateThrew, true, 'the deleted addInitializer is finished too');
  // (Under --gc-stress: the engine still finishes a context's addInitializer that nothing else
  // refers to any more.)
  const forget = (value, context) => {
    delete context.addInitializer;
    [{}].forEach(() => {});
  };
  @forget class W {
    @forget m() {}
  }
  console.log('context: ok');
}

// Names: symbols stay symbols, other keys are strings; classes are named as functions are.
{
  const names = [];
  const name = (value, context) => {
    names.push(context.name);
  };
  const sym = Symbol('s');
  class C {
    @name [sym]() {}
    @name 1() {}
    @name [2]() {}
    @name 'quoted key' = 1;
    @name #p;
  }
  assertEq(names[0], sym, 'symbol key');
  assertEq(names.slice(1).join('|'), '1|2|quoted key|#p', 'string keys');
  const classNames = [];
  const className = (value, context) => {
    classNames.push(context.name);
  };
  const X = @className class {};
  const anonymous = [@className class {}][0];
  const o = { prop: @className class {} };
  @className class Declared {}
  const computed = { ['comp' + 'uted']: @className class {}, [1]: @className class {} };
  class Fields {
    static ['field' + 1] = @className class {};
  }
  assertEq(classNames.join('|'), 'X||prop|Declared|computed|1|field1', 'class names');
  assertEq(computed.computed.name, 'computed', 'named after a computed key');
  // A replacement keeps its own name; a static `name` method stays.
  class R {}
  const o2 = { ['r' + 1]: @(() => R) class {}, ['n' + 1]: class { static name() {} } };
  assertEq(o2.r1, R, 'replaced');
  assertEq(R.name, 'R', 'the replacement is not renamed');
  assertEq(typeof o2.n1.name, 'function', 'a static name method');
  assertEq(X.name, 'X', 'NamedEvaluation');
  assertEq(anonymous.name, '', 'anonymous');
  console.log('names: ok');
}

// Methods: the decorator receives the method and may replace it.
{
  let received;
  function replacement() {
    return 'replaced';
  }
  const replace = (value, context) => {
    received = value;
    return replacement;
  };
  class C {
    @replace m() {
      return 'original';
    }
    @replace static s() {}
    @replace #p() {}
    callP() {
      return this.#p();
    }
    @((value) => undefined) kept() {
      return 'kept';
    }
    @replace *gen() {}
    @replace async asyncMethod() {}
  }
  assertEq(typeof received, 'function', 'received a function');
  assertEq(C.prototype.m, replacement, 'public method replaced');
  assertEq(C.s, replacement, 'static method replaced');
  assertEq(new C().callP(), 'replaced', 'private method replaced');
  assertEq(new C().kept(), 'kept', 'undefined keeps the method');
  assertEq(replacement.name, 'replacement', 'the replacement keeps its name');
  const d = Object.getOwnPropertyDescriptor(C.prototype, 'm');
  assertEq(d.writable && !d.enumerable && d.configurable, true, 'method attributes');
  // The original method, as decorated, has its own name.
  const originals = [];
  class D {
    @((v) => { originals.push(v.name); }) ['computed' + 1]() {}
    @((v) => { originals.push(v.name); }) #priv() {}
  }
  assertEq(originals.join(), 'computed1,#priv', 'original names');
  // A later method of the same name still wins: decorated methods are defined in order.
  class E {
    @((v) => () => 'decorated') m() {}
    m() {
      return 'later';
    }
  }
  assertEq(new E().m(), 'later', 'later definition wins');
  console.log('methods: ok');
}

// Getters and setters: each is decorated on its own; the other half of the pair stays.
{
  const log = [];
  const wrapGet = (value, context) => {
    assertEq(context.kind, 'getter', 'getter kind');
    return function () {
      return value.call(this) * 10;
    };
  };
  const wrapSet = (value, context) => {
    assertEq(context.kind, 'setter', 'setter kind');
    return function (v) {
      log.push(`set ${v}`);
      value.call(this, v + 1);
    };
  };
  class C {
    v = 1;
    @wrapGet get x() {
      return this.v;
    }
    set x(v) {
      this.v = v;
    }
    get y() {
      return this.v;
    }
    @wrapSet set y(v) {
      this.v = v;
    }
    #w = 2;
    @wrapGet get #p() {
      return this.#w;
    }
    @wrapSet set #p(v) {
      this.#w = v;
    }
    get p() {
      return this.#p;
    }
    set p(v) {
      this.#p = v;
    }
    @wrapGet static get s() {
      return 4;
    }
  }
  const c = new C();
  assertEq(c.x, 10, 'decorated getter');
  c.x = 5;
  assertEq(c.v, 5, 'setter kept');
  c.y = 7;
  assertEq(c.y, 8, 'decorated setter, getter kept');
  assertEq(c.p, 20, 'private getter');
  c.p = 3;
  assertEq(c.p, 40, 'private setter');
  assertEq(C.s, 40, 'static getter');
  assertEq(log.join(), 'set 7,set 3', 'setter calls');
  const d = Object.getOwnPropertyDescriptor(C.prototype, 'x');
  assertEq(typeof d.get === 'function' && typeof d.set === 'function' && !d.enumerable && d.configurable, true, 'accessor attributes');
  console.log('getters and setters: ok');
}

// Fields: the decorator receives undefined and may return an initializer, called with the
// instance (the class for static fields) and the value so far.
{
  const received = [];
  const thisValues = [];
  const twice = (value, context) => {
    received.push(value);
    return function (v) {
      thisValues.push(this);
      return v * 2;
    };
  };
  class C {
    @twice a = 1;
    @twice #b = 2;
    @twice static c = 3;
    @twice static #d = 4;
    @twice e;
    @((v, c) => undefined) f = 6;
    get b() {
      return this.#b;
    }
    static get d() {
      return C.#d;
    }
  }
  assertEq(received.length, 5, 'decorators ran');
  assertEq(received.every((v) => v === undefined), true, 'fields receive undefined');
  assertEq(C.c, 6, 'static field');
  assertEq(C.d, 8, 'static private field');
  assertEq(thisValues[0], C, 'static initializer this');
  const c = new C();
  assertEq(c.a, 2, 'public field');
  assertEq(c.b, 4, 'private field');
  assertEq(Number.isNaN(c.e), true, 'no initializer: undefined * 2');
  assertEq(c.f, 6, 'undefined keeps the field');
  assertEq(thisValues[2], c, 'instance initializer this');
  const d = Object.getOwnPropertyDescriptor(c, 'a');
  assertEq(d.writable && d.enumerable && d.configurable, true, 'field attributes');
  console.log('fields: ok');
}

// Auto-accessors: the decorator receives { get, set } and may return new ones and an init.
{
  let received;
  const log = [];
  const acc = (value, context) => {
    received = value;
    assertEq(context.kind, 'accessor', 'accessor kind');
    return {
      get() {
        return value.get.call(this) + 100;
      },
      set(v) {
        log.push(`set ${v}`);
        value.set.call(this, v);
      },
      init(v) {
        log.push(`init ${v}`);
        return v + 1;
      },
    };
  };
  class C {
    @acc accessor x = 1;
    @acc accessor #y = 2;
    @acc static accessor z = 3;
    @(() => ({})) accessor plain = 4;
    @(() => ({ get: undefined, set: undefined, init: undefined })) accessor plain2 = 5;
    get y() {
      return this.#y;
    }
    set y(v) {
      this.#y = v;
    }
  }
  assertEq(Object.keys(received).join(), 'get,set', 'received { get, set }');
  assertEq(Object.getPrototypeOf(received), Object.prototype, 'an ordinary object');
  assertEq(C.z, 104, 'static accessor');
  const c = new C();
  assertEq(c.x, 102, 'public accessor');
  assertEq(c.y, 103, 'private accessor');
  c.x = 10;
  assertEq(c.x, 110, 'public accessor set');
  c.y = 20;
  assertEq(c.y, 120, 'private accessor set');
  assertEq(c.plain, 4, 'empty object keeps the accessor');
  assertEq(c.plain2, 5, 'undefined members keep the accessor');
  assertEq(log.join(), 'init 3,init 1,init 2,set 10,set 20', 'calls');
  const d = Object.getOwnPropertyDescriptor(C.prototype, 'x');
  assertEq(typeof d.get === 'function' && typeof d.set === 'function' && !d.enumerable && d.configurable, true, 'accessor attributes');
  assertEq(Object.getOwnPropertyNames(c).length, 0, 'storage is private');
  console.log('accessors: ok');
}

// Classes: the decorator receives the class and may replace it; the replacement is bound to
// the class's name inside and outside, and gets the static fields.
{
  let original;
  const seenInside = [];
  const sub = (value, context) => {
    original = value;
    return class Sub extends value {
      static tag = 'sub';
    };
  };
  @sub
  class C {
    static field = seenInside.push(C, this);
    static {
      seenInside.push(this);
    }
    static self() {
      return C;
    }
    method() {
      return 'method';
    }
  }
  assertEq(C.tag, 'sub', 'outer binding is the replacement');
  assertEq(seenInside[0], C, 'inner binding is the replacement');
  assertEq(seenInside[1], C, 'static fields run on the replacement');
  assertEq(seenInside[2], C, 'static blocks too');
  assertEq(Object.hasOwn(C, 'field'), true, 'the field is on the replacement');
  assertEq(Object.hasOwn(original, 'field'), false, 'not on the original');
  assertEq(C.self(), C, 'methods see the replacement');
  assertEq(new C().method(), 'method', 'instances');
  assertEq(new C() instanceof original, true, 'the original is the parent');
  const kept = (value) => undefined;
  @kept class K {}
  assertEq(K.name, 'K', 'undefined keeps the class');
  const e = @sub class {};
  assertEq(e.tag, 'sub', 'class expressions');
  const extraThis = [];
  @((v, ctx) => { ctx.addInitializer(function () { extraThis.push(this); }); })
  @sub
  class D {}
  assertEq(extraThis[0], D, 'class extra initializers run on the final class');
  console.log('classes: ok');
}
