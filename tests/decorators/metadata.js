// Decorator metadata (the decorator metadata proposal, part of the 2023-05 decorators):
// `Symbol.metadata`, `context.metadata`, and the class's `[Symbol.metadata]` object, which
// inherits from its parent class's.

function assertEq(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

// Symbol.metadata and Function.prototype[Symbol.metadata].
{
  assertEq(typeof Symbol.metadata, 'symbol', 'Symbol.metadata');
  assertEq(Symbol.metadata.description, 'Symbol.metadata', 'description');
  const d = Object.getOwnPropertyDescriptor(Symbol, 'metadata');
  assertEq(!d.writable && !d.enumerable && !d.configurable, true, 'Symbol.metadata attributes');
  const f = Object.getOwnPropertyDescriptor(Function.prototype, Symbol.metadata);
  assertEq(f.value, null, 'Function.prototype[Symbol.metadata]');
  assertEq(!f.writable && !f.enumerable && !f.configurable, true, 'its attributes');
  assertEq(Symbol.for('Symbol.metadata') !== Symbol.metadata, true, 'not a registered symbol');
  console.log('symbol: ok');
}

// One metadata object per class, shared by all its decorators, installed on the class.
{
  const seen = [];
  const meta = (tag) => (value, context) => {
    seen.push(context.metadata);
    context.metadata[tag] = true;
  };
  @meta('class')
  class C {
    @meta('method') m() {}
    @meta('field') static f;
    @meta('accessor') accessor #a;
  }
  const m = C[Symbol.metadata];
  assertEq(seen.length, 4, 'decorators ran');
  assertEq(seen.every((x) => x === m), true, 'one object');
  assertEq(Object.getPrototypeOf(m), null, 'no parent: a null prototype');
  assertEq(Object.keys(m).join(), 'method,accessor,field,class', 'what the decorators wrote, in application order');
  const d = Object.getOwnPropertyDescriptor(C, Symbol.metadata);
  assertEq(d.writable && !d.enumerable && d.configurable, true, 'class property attributes');
  // The context's `metadata` is a data property like the others.
  let ctx;
  @((v, c) => { ctx = c; }) class D {}
  const cd = Object.getOwnPropertyDescriptor(ctx, 'metadata');
  assertEq(cd.writable && cd.enumerable && cd.configurable, true, 'context property');
  assertEq(D[Symbol.metadata] !== C[Symbol.metadata], true, 'a new object per class');
  // Each evaluation of a class makes a new one.
  const make = () => @meta('x') class {};
  assertEq(make()[Symbol.metadata] !== make()[Symbol.metadata], true, 'per evaluation');
  console.log('per class: ok');
}

// Only decorated classes get one.
{
  class Plain {
    static s = 1;
  }
  assertEq(Object.getOwnPropertySymbols(Plain).length, 0, 'undecorated class');
  assertEq(Plain[Symbol.metadata], null, 'inherited from Function.prototype');
  class ElementOnly {
    @((v) => v) m() {}
  }
  assertEq(Object.hasOwn(ElementOnly, Symbol.metadata), true, 'an element decorator is enough');
  console.log('decorated only: ok');
}

// Inheritance: the parent is what the superclass's Symbol.metadata reads when the class is
// defined.
{
  const dec = () => {};
  @dec class A {}
  @dec class B extends A {}
  assertEq(Object.getPrototypeOf(B[Symbol.metadata]), A[Symbol.metadata], 'parent metadata');
  class Undecorated extends A {}
  @dec class C extends Undecorated {}
  assertEq(Object.getPrototypeOf(C[Symbol.metadata]), A[Symbol.metadata], 'through an undecorated class');
  class Root {}
  @dec class D extends Root {}
  assertEq(Object.getPrototypeOf(D[Symbol.metadata]), null, 'undecorated root');
  @dec class E extends null {}
  assertEq(Object.getPrototypeOf(E[Symbol.metadata]), null, 'extends null');
  // Changing the class's prototype later does not change its metadata's parent.
  Object.setPrototypeOf(B, Root);
  assertEq(Object.getPrototypeOf(B[Symbol.metadata]), A[Symbol.metadata], 'fixed at definition');
  // A parent whose Symbol.metadata is not an object gives a null prototype; a getter runs once.
  let reads = 0;
  class F {
    static get [Symbol.metadata]() {
      reads++;
      return 42;
    }
  }
  @dec class G extends F {}
  assertEq(Object.getPrototypeOf(G[Symbol.metadata]), null, 'a primitive parent');
  assertEq(reads, 1, 'read once');
  // Metadata written by the parent's decorators is visible through the child's.
  const tag = (v, c) => {
    c.metadata.tag = (c.metadata.tag ?? '') + c.name;
  };
  @tag class P {}
  @tag class Q extends P {}
  assertEq(Q[Symbol.metadata].tag, 'PQ', 'inherited values');
  assertEq(P[Symbol.metadata].tag, 'P', 'the parent is unchanged');
  console.log('inheritance: ok');
}

// A class decorator's replacement gets the metadata.
{
  let original;
  const replace = (value, context) => {
    original = value;
    context.metadata.replaced = true;
    return class extends value {};
  };
  @replace class C {}
  assertEq(C !== original, true, 'replaced');
  assertEq(Object.hasOwn(C, Symbol.metadata), true, 'on the replacement');
  assertEq(C[Symbol.metadata].replaced, true, 'the same object');
  console.log('replacement: ok');
}
