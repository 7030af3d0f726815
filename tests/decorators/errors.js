// Errors of the decorators proposal: what a decorator may return (a function, or for an
// accessor an object of functions, or undefined; a constructor for a class), addInitializer's
// checks, and errors thrown while decorating, which end the class's evaluation.

function assertThrows(E, f, what) {
  try {
    f();
  } catch (e) {
    if (!(e instanceof E)) throw new Error(`${what}: threw ${e}`);
    return;
  }
  throw new Error(`${what}: did not throw`);
}

const returns = (v) => () => v;

// Invalid return values.
{
  for (const bad of [null, 1, 'f', {}, Symbol(), true]) {
    assertThrows(TypeError, () => { class C { @(returns(bad)) m() {} } }, `method returning ${String(bad)}`);
    assertThrows(TypeError, () => { class C { @(returns(bad)) get g() {} } }, 'getter');
    assertThrows(TypeError, () => { class C { @(returns(bad)) static set s(v) {} } }, 'setter');
    assertThrows(TypeError, () => { class C { @(returns(bad)) #m() {} } }, 'private method');
    assertThrows(TypeError, () => { class C { @(returns(bad)) f; } }, 'field');
    assertThrows(TypeError, () => { @(returns(bad)) class C {} }, 'class');
    if (typeof bad !== 'object' || bad === null) {
      assertThrows(TypeError, () => { class C { @(returns(bad)) accessor a; } }, 'accessor');
    }
  }
  for (const part of ['get', 'set', 'init']) {
    for (const bad of [null, 1, {}]) {
      assertThrows(TypeError, () => { class C { @(returns({ [part]: bad })) accessor a; } }, `accessor ${part}`);
      assertThrows(TypeError, () => { class C { @(returns({ [part]: bad })) static accessor #a; } }, `static private accessor ${part}`);
    }
  }
  // A class decorator must return a constructor: an arrow or a method is not one.
  assertThrows(TypeError, () => { @(returns(() => {})) class C {} }, 'class replaced by an arrow');
  assertThrows(TypeError, () => { @(returns({ m() {} }.m)) class C {} }, 'class replaced by a method');
  // Functions of any kind may replace methods, getters, setters and field initializers.
  class Ok {
    @(returns(() => 1)) m() {}
    @(returns(class {})) n() {}
    @(returns(async () => 1)) f;
  }
  console.log('return values: ok');
}

// addInitializer.
{
  for (const bad of [undefined, null, 1, {}]) {
    assertThrows(TypeError, () => { class C { @((v, c) => { c.addInitializer(bad); }) m() {} } }, 'method');
    assertThrows(TypeError, () => { class C { @((v, c) => { c.addInitializer(bad); }) static f; } }, 'static field');
    assertThrows(TypeError, () => { @((v, c) => { c.addInitializer(bad); }) class C {} }, 'class');
  }
  // Once its decorator has returned, a context's addInitializer throws, even with a function.
  const saved = [];
  const save = (v, c) => {
    saved.push(c);
  };
  @save class C {
    @save m() {}
    @save accessor a;
    @save static #f;
  }
  for (const c of saved) {
    assertThrows(TypeError, () => c.addInitializer(() => {}), `late addInitializer (${c.kind})`);
  }
  // ... and when its decorator threw.
  let thrown;
  try {
    class D {
      @((v, c) => {
        thrown = c;
        throw new RangeError('decorator');
      }) m() {}
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
  assertThrows(TypeError, () => thrown.addInitializer(() => {}), 'after a throw');
  // A context closes when its own decorator returns, while the element's other decorators
  // still run.
  let inner;
  assertThrows(TypeError, () => {
    class E {
      @((v, c) => { inner.addInitializer(() => {}); }) @((v, c) => { inner = c; }) m() {}
    }
  }, 'the previous decorator\'s context');
  console.log('addInitializer: ok');
}

// Errors thrown by decorators, initializers and extra initializers propagate.
{
  const boom = () => {
    throw new RangeError('boom');
  };
  assertThrows(RangeError, () => { class C { @boom m() {} } }, 'method decorator');
  assertThrows(RangeError, () => { @boom class C {} }, 'class decorator');
  assertThrows(RangeError, () => { class C { @((v, c) => { c.addInitializer(boom); }) static m() {} } }, 'static extra initializer');
  assertThrows(RangeError, () => { @((v, c) => { c.addInitializer(boom); }) class C {} }, 'class extra initializer');
  class F {
    @(returns(boom)) f = 1;
    @((v, c) => { c.addInitializer(boom); }) m() {}
  }
  assertThrows(RangeError, () => new F(), 'instance initializers');
  // A class declaration whose evaluation threw leaves its binding uninitialized.
  let read;
  function declare() {
    read = () => G;
    class G {
      @boom m() {}
    }
  }
  assertThrows(RangeError, declare, 'declaration');
  assertThrows(ReferenceError, read, 'the binding after the throw');
  let H;
  assertThrows(RangeError, () => { H = @boom class {}; }, 'expression');
  if (H !== undefined) throw new Error('H assigned');
  console.log('propagation: ok');
}

// Decorator expressions run while the class's inner binding is uninitialized, and class
// decorators before its outer one is.
{
  assertThrows(ReferenceError, () => { class C { @(C.dec) m() {} } }, 'inner binding');
  assertThrows(ReferenceError, () => { @(C.dec) class C {} }, 'outer binding');
  assertThrows(TypeError, () => { @undefined class C {} }, 'a decorator that is not callable');
  assertThrows(TypeError, () => { class C { @({}) m() {} } }, 'an object decorator');
  console.log('bindings: ok');
}
