// Where decorator expressions are evaluated (the decorators proposal): class decorators before
// the class scope exists, element decorators in it (with its private names, its inner binding
// uninitialized), both with the surrounding code's `this`, `super`, `await` and `yield`; and
// the `this` a decorator is called with: the object of a member expression, as for a call.

function assertEq(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

// The receiver of a decorator call.
{
  const receivers = [];
  function record() {
    'use strict';
    receivers.push(this);
  }
  const obj = {
    dec: record,
    nested: { dec: record },
    factory() {
      'use strict';
      receivers.push(this);
      return record;
    },
  };
  @obj.dec
  class C {
    @obj.dec a() {}
    @obj.nested.dec b() {}
    @(obj.dec) c() {}
    @((0, obj.dec)) d() {}
    @record e() {}
    @obj.factory() f() {}
  }
  assertEq(receivers.length, 8, 'calls');
  // Evaluation: obj.factory runs with `this` obj; application: a, b, c, d, e, f, then the class.
  const expected = [obj, obj, obj.nested, obj, undefined, undefined, undefined, obj];
  for (let i = 0; i < expected.length; i++) {
    assertEq(receivers[i], expected[i], `receiver ${i}`);
  }
  console.log('receivers: ok');
}

// `with`: an identifier found on the object environment is called with the object.
{
  const receivers = [];
  const scope = {
    dec() {
      receivers.push(this);
    },
  };
  with (scope) {
    @dec class C {
      @dec m() {}
    }
  }
  assertEq(receivers.length, 2, 'calls');
  assertEq(receivers[0] === scope && receivers[1] === scope, true, 'the object environment');
  console.log('with: ok');
}

// `this`, `super`, `arguments` and `new.target` are the surrounding code's.
{
  const seen = [];
  const holder = {
    dec(value, context) {
      seen.push(`${this.name} ${context.name}`);
    },
    name: 'holder',
  };
  function build(extra) {
    @(this.dec) class C {
      @(this.dec) m() {}
      @(arguments[1]) n() {}
    }
    return C;
  }
  build.call(holder, 0, (v, c) => {
    seen.push(`argument ${c.name}`);
  });
  const base = {
    name: 'base',
    dec(value, context) {
      seen.push(`super ${this.name} ${context.name}`);
    },
  };
  const child = {
    __proto__: base,
    name: 'child',
    make() {
      return class {
        @(super.dec) x;
      };
    },
  };
  child.make();
  assertEq(seen.join('|'), 'holder m|argument n|holder C|super child x', 'what the decorators saw');
  console.log('surrounding bindings: ok');
}

// Private names: element decorators are inside the class's private environment, class
// decorators outside it.
{
  const log = [];
  class Outer {
    static #dec(value, context) {
      log.push(`outer ${context.name}`);
    }
    static #marker;
    static make() {
      @Outer.#dec
      class Inner {
        #own;
        @Outer.#dec m() {}
        // `#own` here is Inner's own private name (no object has it yet).
        @((#own in Outer) ? null : Outer.#dec) n() {}
        // `#marker` is Outer's, which Outer has.
        @((#marker in Outer) ? Outer.#dec : null) o() {}
      }
      return Inner;
    }
  }
  Outer.make();
  assertEq(log.join('|'), 'outer m|outer n|outer o|outer Inner', 'private decorators');
  console.log('private names: ok');
}

// `await` and `yield` in decorator expressions.
{
  const log = [];
  const dec = (tag) => (value, context) => {
    log.push(`${tag} ${context.name}`);
  };
  function* generator() {
    @(yield 'class') class C {
      @(yield 'method') m() {}
    }
    return C;
  }
  const it = generator();
  assertEq(it.next().value, 'class', 'first yield');
  assertEq(it.next(dec('yielded')).value, 'method', 'second yield');
  const done = it.next(dec('yielded'));
  assertEq(done.done, true, 'finished');
  assertEq(done.value.name, 'C', 'the class');
  async function asyncClass() {
    @(await Promise.resolve(dec('awaited')))
    class D {
      @(await dec('awaited')) static s = 1;
    }
    return D;
  }
  asyncClass().then((D) => {
    assertEq(D.s, 1, 'async class');
    assertEq(log.join('|'), 'yielded m|yielded C|awaited s|awaited D', 'decorators applied');
    console.log('await and yield: ok');
  });
}

// Decorators see per-iteration bindings, and each evaluation of a class decorates afresh.
{
  const classes = [];
  const names = [];
  for (let i = 0; i < 3; i++) {
    classes.push(
      class {
        @((value, context) => {
          names.push(`${context.name} ${i}`);
          return () => i;
        })
        n;
      },
    );
  }
  assertEq(names.join('|'), 'n 0|n 1|n 2', 'three evaluations');
  assertEq(classes.map((C) => new C().n).join(), '0,1,2', 'their initializers');
  console.log('per evaluation: ok');
}
