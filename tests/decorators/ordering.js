// The order in which a decorated class evaluates its decorators and keys, applies the
// decorators, and runs what they return and add (the decorators proposal, 2023-05 semantics:
// ClassDefinitionEvaluation, ApplyDecoratorsToElementDefinition, InitializeInstanceElements).
// Expected orders follow the proposal's text, as Babel's 2023-11 transform implements it.

function assertList(actual, expected, what) {
  const a = actual.join('\n');
  const e = expected.join('\n');
  if (a !== e) {
    throw new Error(`${what}:\n--- expected\n${e}\n--- got\n${a}`);
  }
}

// 1. Every phase of one class, with every kind of element.
{
  const log = [];
  const push = (x) => {
    log.push(x);
    return x;
  };
  function dec(name) {
    log.push(`eval ${name}`);
    return function (value, context) {
      log.push(`apply ${name}`);
      context.addInitializer(function () {
        log.push(`extra ${name}`);
      });
      if (context.kind === 'field') {
        return function (v) {
          log.push(`init ${name}`);
          return v;
        };
      }
      if (context.kind === 'accessor') {
        return {
          init(v) {
            log.push(`init ${name}`);
            return v;
          },
        };
      }
    };
  }
  class Base {
    constructor() {
      log.push('Base constructor');
    }
  }
  @dec('class1') @dec('class2')
  class C extends (push('heritage'), Base) {
    constructor() {
      log.push('C before super');
      super();
      log.push('C after super');
    }
    @dec('m') [push('key m')]() {}
    @dec('sm') static [push('key sm')]() {}
    @dec('f1') @dec('f2') f = push('value f');
    @dec('sf') static sf = push('value sf');
    @dec('a') accessor a = push('value a');
    @dec('sa') static accessor sa = push('value sa');
    @dec('g') get g() { return 1; }
    static {
      log.push('static block');
    }
    plain = push('value plain');
    [push('key undecorated')]() {}
  }
  assertList(log, [
    // Decorator expressions and computed keys, in source order; class decorators first,
    // before the heritage.
    'eval class1', 'eval class2', 'heritage',
    'eval m', 'key m', 'eval sm', 'key sm', 'eval f1', 'eval f2', 'eval sf', 'eval a',
    'eval sa', 'eval g', 'key undecorated',
    // Application: static methods and accessors, instance ones, static fields, instance
    // fields, the class; each element's decorators last to first.
    'apply sm', 'apply sa', 'apply m', 'apply a', 'apply g', 'apply sf', 'apply f2',
    'apply f1', 'apply class2', 'apply class1',
    // Static initialization: static methods' extra initializers, then static fields,
    // accessors and blocks in order (each one's own extra initializers right after it), then
    // the class decorators' extra initializers.
    'extra sm',
    'value sf', 'init sf', 'extra sf',
    'value sa', 'init sa', 'extra sa',
    'static block',
    'extra class2', 'extra class1',
  ], 'class definition');
  log.length = 0;
  new C();
  assertList(log, [
    'C before super', 'Base constructor',
    // After super(): the instance methods' extra initializers, then the fields in order.
    'extra m', 'extra g',
    'value f', 'init f1', 'init f2', 'extra f2', 'extra f1',
    'value a', 'init a', 'extra a',
    'value plain',
    'C after super',
  ], 'construction');
  console.log('phases: ok');
}

// 2. Within one element: decorators apply last to first; the value passes through the
// initializers in source order after the field's own initializer; extra initializers run in
// the order they were added.
{
  const log = [];
  function dec(name) {
    return (value, context) => {
      log.push(`apply ${name}`);
      context.addInitializer(() => log.push(`extra ${name}`));
      return (v) => {
        log.push(`init ${name} ${v}`);
        return `${v}+${name}`;
      };
    };
  }
  class C {
    @dec('a') @dec('b') @dec('c') x = 'x';
  }
  assertList(log, ['apply c', 'apply b', 'apply a'], 'application');
  log.length = 0;
  const c = new C();
  assertList(log, [
    'init a x', 'init b x+a', 'init c x+a+b', 'extra c', 'extra b', 'extra a',
  ], 'initializers');
  if (c.x !== 'x+a+b+c') throw new Error(`x is ${c.x}`);
  console.log('one element: ok');
}

// 3. A method decorator's replacement is what the next (earlier) decorator receives.
{
  const seen = [];
  const wrap = (tag) => (value) => {
    seen.push(value.tag ?? 'original');
    const f = function () { return `${tag}(${value.call(this)})`; };
    f.tag = tag;
    return f;
  };
  class C {
    @wrap('outer') @wrap('inner') m() { return 'm'; }
  }
  assertList(seen, ['original', 'inner'], 'chain');
  if (new C().m() !== 'outer(inner(m))') throw new Error(new C().m());
  console.log('replacement chain: ok');
}

// 4. Each new instance (a subclass's too) runs the instance methods' extra initializers again;
// the static ones ran once, with the class.
{
  let count = 0;
  const counted = (value, context) => {
    context.addInitializer(function () {
      count++;
    });
  };
  class A {
    @counted m() {}
    @counted static s() {}
  }
  if (count !== 1) throw new Error(`after definition: ${count}`);
  new A();
  new A();
  if (count !== 3) throw new Error(`after two instances: ${count}`);
  class B extends A {}
  new B();
  if (count !== 4) throw new Error(`after a subclass instance: ${count}`);
  console.log('per instance: ok');
}

// 5. A throwing decorator expression stops the class's evaluation there.
{
  const log = [];
  const d = (name) => {
    log.push(name);
    if (name === 'bad') throw new RangeError('bad');
    return () => log.push(`apply ${name}`);
  };
  let threw = false;
  try {
    class C {
      @d('first') a() {}
      @d('bad') b() {}
      @d('never') c() {}
    }
  } catch (e) {
    threw = e instanceof RangeError;
  }
  if (!threw) throw new Error('no RangeError');
  assertList(log, ['first', 'bad'], 'aborted evaluation');
  console.log('abrupt evaluation: ok');
}
