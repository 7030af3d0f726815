//! Calls and construction: \[\[Call\]\] and \[\[Construct\]\] for closures, built-ins, bound functions and
//! proxies; frame set-up; generators and async functions suspending and resuming their frames.
//!
//! A call from JavaScript to a closure pushes a frame and stays in the dispatch loop. A call from
//! native code (`Vm::call`) pushes a frame that returns to native code and runs the loop until
//! that frame finishes; this re-entry is bounded by the remaining Rust stack.

use crate::heap::ObjRef;
use crate::object::{
    ConstructorKind, Generator, GeneratorState, Object, ObjectKind, PropertyKey, SavedFrame, Slot,
};
use crate::stack::{Frame, FrameExtra, ReturnTo};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};
use kiln_compiler::code::flags;

/// Whether the current thread's native stack is within `NATIVE_STACK_RED_ZONE` of its end,
/// for the few places that cannot throw and must stop descending instead (`Vm::check_native_stack`
/// is the same test for everything else).
#[inline]
pub fn native_stack_low() -> bool {
    stacker::remaining_stack().is_some_and(|r| r < NATIVE_STACK_RED_ZONE)
}

/// The fields of a finished frame that decide where its result goes.
struct Finished {
    base: usize,
    is_construct: bool,
    callee: Value,
    this: Value,
    promise: Option<Value>,
    generator: Option<ObjRef>,
    return_to: ReturnTo,
}

/// Where a new frame's arguments come from.
#[derive(Clone, Copy)]
enum Args<'a> {
    Slice(&'a [Value]),
    Registers { start: usize, count: usize },
}

impl Args<'_> {
    fn len(&self) -> usize {
        match self {
            Args::Slice(a) => a.len(),
            Args::Registers { count, .. } => *count,
        }
    }
}

/// What a finished or suspended frame hands back.
pub enum Completion {
    /// Continue the dispatch loop in the caller.
    Continue,
    /// Leave the dispatch loop with this value.
    Native(Value),
    /// The finished frame's caller (now on top) throws this.
    Throw(JsError),
    /// The frame returned to native code with this exception.
    NativeThrow(JsError),
}

/// How much native stack must be left for the engine to enter one more level of recursion.
///
/// Between two checks the engine runs a bounded amount of native code (a dispatch loop entry, a
/// property lookup, a built-in's step, creating the RangeError itself); debug builds' frames are
/// several times larger than release builds', so this margin is sized for them.
const NATIVE_STACK_RED_ZONE: usize = 256 * 1024;

impl Vm {
    /// Pushes a frame. For a call from native code the running frame's published pc is saved
    /// into it first: the dispatch loop publishes only to `Vm::published_pc`, so this is where a
    /// caller's frame learns the operation it is in when a getter, `valueOf` or callback runs
    /// above it. (A call from the loop, returning to a register, saved it already.)
    #[inline(always)]
    pub fn push_frame(&mut self, frame: Frame) {
        self.publish_for_push(frame.return_to, frame.pc);
        self.stack.frames.push(frame);
    }

    /// [`Vm::push_frame`]'s bookkeeping of the published pc, for a frame returning to
    /// `return_to` that starts at `pc`.
    #[inline(always)]
    fn publish_for_push(&mut self, return_to: ReturnTo, pc: usize) {
        if matches!(return_to, ReturnTo::Native)
            && let Some(top) = self.stack.frames.last_mut()
        {
            top.pc = self.stack.published_pc;
        }
        self.stack.published_pc = pc;
    }

    /// Pops the top frame; the caller's saved pc is published again, so native code that goes on
    /// running for the caller reports the caller's place. (A frame suspended by `Yield` or
    /// `Await` has saved its own pc for resuming.)
    #[inline(always)]
    pub fn pop_frame(&mut self) -> Option<Frame> {
        let frame = self.stack.frames.pop()?;
        self.stack.published_pc = self.stack.frames.last().map_or(0, |f| f.pc);
        Some(frame)
    }

    /// [`Vm::pop_frame`] for a frame nobody keeps: dropped in place, not moved out.
    #[inline(always)]
    fn discard_frame(&mut self) {
        self.stack
            .frames
            .truncate(self.stack.frames.len().saturating_sub(1));
        self.stack.published_pc = self.stack.frames.last().map_or(0, |f| f.pc);
    }

    /// The pc (one past the executing instruction) of frame `i`: the published one for the
    /// running frame, the saved one for its callers.
    pub fn frame_pc(&self, i: usize) -> usize {
        if i + 1 == self.stack.frames.len() {
            self.stack.published_pc
        } else {
            self.stack.frames[i].pc
        }
    }

    /// The one guard on native recursion: every path of the engine that can recurse without
    /// bound (calls from native code, proxy traps, bound-function chains, prototype walks that
    /// cannot be loops, built-ins that descend into their arguments, eval, module linking)
    /// calls this before it goes one level deeper. It measures the stack of the current thread,
    /// so it holds on any thread whatever its stack size.
    #[inline]
    pub fn check_native_stack(&mut self) -> JsResult<()> {
        if native_stack_low() {
            return Err(self.range_error("Maximum call stack size exceeded"));
        }
        Ok(())
    }

    /// Checks that `count` more registers fit on the register stack: it never grows past
    /// [`crate::stack::MAX_REGISTER_STACK`], the size it was allocated at, so it never moves.
    #[inline]
    pub(crate) fn reserve_registers(&mut self, count: usize) -> JsResult<()> {
        if self.stack.registers.len() + count > crate::stack::MAX_REGISTER_STACK {
            return Err(self.range_error("Maximum call stack size exceeded"));
        }
        Ok(())
    }

    /// The frame limit for JavaScript calls, then the native stack.
    pub(crate) fn check_stack(&mut self) -> JsResult<()> {
        if self.stack.frames.len() >= self.stack.max_frames {
            return Err(self.range_error("Maximum call stack size exceeded"));
        }
        self.check_native_stack()
    }

    /// \[\[Call\]\] from native code.
    pub fn call(&mut self, f: Value, this: Value, args: &[Value]) -> JsResult<Value> {
        let Some(o) = f.as_object() else {
            let text = self.describe(f);
            return Err(self.type_error(&format!("{text} is not a function")));
        };
        match &self.obj(o).kind {
            ObjectKind::Function(c) => {
                if c.is_class_constructor {
                    return Err(
                        self.type_error("Class constructor cannot be invoked without 'new'")
                    );
                }
                self.check_stack()?;
                let saved_realm = self.stack.realm;
                self.push_closure_frame(o, this, args, Value::UNDEFINED, ReturnTo::Native, false)?;
                let result = self.run(None);
                // The nested run switched to the callee's realm.
                self.stack.realm = saved_realm;
                result
            }
            ObjectKind::Native(_) => self.call_native(o, this, args),
            ObjectKind::Bound(_) => {
                // 10.4.1.1 [[Call]] of a bound function calls its target with the bound `this`
                // and the bound arguments first: down a chain of bound functions, a loop.
                let mut target = o;
                let mut this = this;
                let mut all = args.to_vec();
                while let ObjectKind::Bound(b) = &self.obj(target).kind {
                    this = b.this;
                    all.splice(0..0, b.args.iter().copied());
                    target = b.target;
                }
                self.check_stack()?;
                self.call(target.value(), this, &all)
            }
            ObjectKind::Proxy { callable: true, .. } => {
                self.check_stack()?;
                crate::proxy_object::call(self, o, this, args)
            }
            _ => {
                let text = self.describe(f);
                Err(self.type_error(&format!("{text} is not a function")))
            }
        }
    }

    pub fn call_native(&mut self, o: ObjRef, this: Value, args: &[Value]) -> JsResult<Value> {
        let (call, realm) = match &self.obj(o).kind {
            ObjectKind::Native(n) => (n.call, n.realm),
            _ => unreachable!("a native function"),
        };
        self.check_stack()?;
        let saved_native = self.stack.current_native.replace(o);
        let saved_realm = std::mem::replace(&mut self.stack.realm, realm);
        // The native's own scope: its `this` and arguments, and whatever it roots, stay rooted
        // until it returns.
        let result = self.handle_scope(|vm| {
            vm.root(this);
            vm.root_all(args);
            call(vm, this, args)
        });
        self.stack.realm = saved_realm;
        self.stack.current_native = saved_native;
        result
    }

    /// [[Call]] of native function `o` from the dispatch loop, with `this` and `args` read
    /// from the calling frame's registers. They stay rooted by the frame, so unlike
    /// [`Vm::call_native`] this roots nothing; and the native runs on the loop's stack, which
    /// had [`NATIVE_STACK_RED_ZONE`] left when the loop was entered (every entry checks), so
    /// there is no check either: whatever the native calls back goes through `Vm::call` or
    /// `Vm::construct`, which check.
    #[inline]
    pub(crate) fn call_native_from_registers(
        &mut self,
        o: ObjRef,
        call: crate::object::NativeFn,
        realm: u32,
        this: Value,
        args: &[Value],
    ) -> JsResult<Value> {
        let saved_native = self.stack.current_native.replace(o);
        let saved_realm = std::mem::replace(&mut self.stack.realm, realm);
        let result = self.handle_scope(|vm| call(vm, this, args));
        self.stack.realm = saved_realm;
        self.stack.current_native = saved_native;
        result
    }

    /// \[\[Construct\]\]
    pub fn construct(&mut self, f: Value, args: &[Value], new_target: Value) -> JsResult<Value> {
        let Some(o) = f.as_object() else {
            return Err(self.type_error("not a constructor"));
        };
        if !self.is_constructor(f) {
            let text = self.describe(f);
            return Err(self.type_error(&format!("{text} is not a constructor")));
        }
        self.check_stack()?;
        match &self.obj(o).kind {
            ObjectKind::Function(_) => {
                let this = self.construct_this(o, new_target)?;
                let saved_realm = self.stack.realm;
                self.push_closure_frame(o, this, args, new_target, ReturnTo::Native, true)?;
                let result = self.run(None);
                self.stack.realm = saved_realm;
                result
            }
            ObjectKind::Native(n) => {
                let ctor = n.construct.expect("a constructor");
                let realm = n.realm;
                let nt = new_target.as_object().expect("an object new.target");
                let saved_native = self.stack.current_native.replace(o);
                let saved_realm = std::mem::replace(&mut self.stack.realm, realm);
                let result = self.handle_scope(|vm| {
                    vm.root(new_target);
                    for &a in args {
                        vm.root(a);
                    }
                    ctor(vm, args, nt)
                });
                self.stack.realm = saved_realm;
                self.stack.current_native = saved_native;
                result
            }
            ObjectKind::Bound(_) => {
                // 10.4.1.2 [[Construct]] of a bound function, down a chain of them as a loop.
                let mut target = o;
                let mut new_target = new_target;
                let mut all = args.to_vec();
                while let ObjectKind::Bound(b) = &self.obj(target).kind {
                    all.splice(0..0, b.args.iter().copied());
                    if new_target == target.value() {
                        new_target = b.target.value();
                    }
                    target = b.target;
                }
                self.construct(target.value(), &all, new_target)
            }
            ObjectKind::Proxy { .. } => crate::proxy_object::construct(self, o, args, new_target),
            _ => Err(self.type_error("not a constructor")),
        }
    }

    /// The `this` a base constructor starts with: OrdinaryCreateFromConstructor(newTarget).
    pub fn construct_this(&mut self, f: ObjRef, new_target: Value) -> JsResult<Value> {
        if let ObjectKind::Function(c) = &self.obj(f).kind
            && c.constructor_kind == ConstructorKind::Derived
        {
            return Ok(Value::HOLE);
        }
        let proto = self.prototype_from_constructor(new_target, |r| r.object_prototype)?;
        Ok(self.new_object_with_proto(Some(proto)).value())
    }

    /// 10.1.14 GetPrototypeFromConstructor
    pub fn prototype_from_constructor(
        &mut self,
        new_target: Value,
        default: impl Fn(&crate::realm::Realm) -> ObjRef,
    ) -> JsResult<ObjRef> {
        let Some(nt) = new_target.as_object() else {
            return Ok(default(self.intrinsics()));
        };
        let key = PropertyKey::String(self.agent.names.prototype);
        let proto = self.get(nt, key, new_target)?;
        match proto.as_object() {
            Some(p) => Ok(p),
            None => {
                let realm = self.function_realm(nt)?;
                Ok(default(&self.realms[realm as usize]))
            }
        }
    }

    /// 7.3.24 GetFunctionRealm
    pub fn function_realm(&mut self, mut f: ObjRef) -> JsResult<u32> {
        // A loop down chains of bound functions and proxies, which can be as long as memory allows.
        loop {
            f = match &self.obj(f).kind {
                ObjectKind::Function(c) => return Ok(c.realm),
                ObjectKind::Native(n) => return Ok(n.realm),
                ObjectKind::Bound(b) => b.target,
                ObjectKind::Proxy { target, .. } => match target {
                    Some(t) => *t,
                    None => {
                        return Err(self.type_error("Cannot perform operation on a revoked proxy"));
                    }
                },
                _ => return Ok(self.stack.realm),
            };
        }
    }

    /// A short description of a value for error messages.
    pub fn describe(&mut self, v: Value) -> String {
        if let Some(s) = v.as_string() {
            return format!("\"{}\"", self.rust_string(s));
        }
        if v.as_symbol().is_some() {
            return "Symbol()".to_string();
        }
        if let Some(o) = v.as_object() {
            if self.is_callable(v) {
                let key = PropertyKey::String(self.agent.names.name);
                if let Some(Slot::Data(n)) = self.own_property_raw(o, key).map(|p| p.slot)
                    && let Some(s) = n.as_string()
                {
                    return format!("function {}", self.rust_string(s));
                }
                return "function".to_string();
            }
            return if self.obj(o).is_array() {
                "array".to_string()
            } else {
                "object".to_string()
            };
        }
        match self.to_string(v) {
            Ok(s) => self.rust_string(s),
            Err(_) => "value".to_string(),
        }
    }

    /// Pushes a frame for a closure call; generator and async function objects are created here.
    pub fn push_closure_frame(
        &mut self,
        callee: ObjRef,
        this: Value,
        args: &[Value],
        new_target: Value,
        return_to: ReturnTo,
        is_construct: bool,
    ) -> JsResult<()> {
        // A call counts like a backward jump: a program whose only loop is recursion (a tree
        // of calls) still meets the budget, the deadline and the interrupt. (The dispatch
        // loop's `Call` checks before `push_closure_frame_from_registers`.)
        self.check_interrupt()?;
        self.push_frame_with(
            callee,
            this,
            Args::Slice(args),
            new_target,
            return_to,
            is_construct,
        )
    }

    /// Pushes a frame whose arguments are `count` registers of the stack from `start` (a call
    /// from the dispatch loop: no copy through a temporary list; the loop has checked the
    /// interrupt).
    #[allow(clippy::too_many_arguments)]
    pub fn push_closure_frame_from_registers(
        &mut self,
        callee: ObjRef,
        this: Value,
        start: usize,
        count: usize,
        new_target: Value,
        return_to: ReturnTo,
        is_construct: bool,
    ) -> JsResult<()> {
        let args = Args::Registers { start, count };
        self.push_frame_with(callee, this, args, new_target, return_to, is_construct)
    }

    /// Whether the running frame can give way to a tail call: one that returns its value as
    /// it is (not a constructor's, a generator's or an async function's).
    pub fn frame_replaceable(&self) -> bool {
        self.stack
            .frames
            .last()
            .is_some_and(|f| !f.is_construct && f.extra.is_none())
    }

    /// A tail call: the running frame is dropped and `callee`'s pushed in its place, returning
    /// where the dropped one would have.
    pub fn replace_frame(&mut self, callee: ObjRef, this: Value, args: &[Value]) -> JsResult<()> {
        let (return_to, base) = {
            let f = self.stack.frames.last().expect("a frame");
            (f.return_to, f.base)
        };
        self.discard_frame();
        self.stack.registers.truncate(base);
        self.push_frame_with(
            callee,
            this,
            Args::Slice(args),
            Value::UNDEFINED,
            return_to,
            false,
        )
    }

    fn push_frame_with(
        &mut self,
        callee: ObjRef,
        this: Value,
        args: Args<'_>,
        new_target: Value,
        return_to: ReturnTo,
        is_construct: bool,
    ) -> JsResult<()> {
        if self.stack.frames.len() >= self.stack.max_frames {
            return Err(self.range_error("Maximum call stack size exceeded"));
        }
        let (script, function, header, env, arrow_this, realm) = match &self.obj(callee).kind {
            // SAFETY: the frame roots `callee`, whose script this is.
            ObjectKind::Function(c) => (
                unsafe { crate::verified::ScriptRef::new(&c.script) },
                c.function,
                c.header,
                c.env,
                c.this_value,
                c.realm,
            ),
            _ => unreachable!("a closure"),
        };
        let register_count = header.register_count as usize;
        let parameter_count = header.parameter_count as usize;
        let fl = header.flags;
        self.reserve_registers(register_count)?;
        let strict = fl & flags::STRICT != 0;
        let this = if fl & flags::ARROW != 0 {
            arrow_this
        } else if strict || is_construct {
            this
        } else if this.is_nullish() {
            self.realms[realm as usize].global_this.value()
        } else if this.is_object() {
            this
        } else {
            self.to_object(this)?.value()
        };
        let base = self.stack.registers.len();
        let argc = args.len();
        let n = argc.min(parameter_count).min(register_count);
        match args {
            Args::Slice(a) => {
                self.stack.registers.extend_from_slice(&a[..n]);
                self.stack
                    .registers
                    .resize(base + register_count, Value::UNDEFINED);
                if let Some(r) = self
                    .stack
                    .registers
                    .get_mut(base + header.this_register as usize)
                {
                    *r = this;
                }
            }
            // SAFETY: `reserve_registers` succeeded above, `n` is at most `register_count`, and
            // `start..start + count` is a verified `Call`/`New` argument window of the caller.
            Args::Registers { start, .. } => unsafe {
                crate::verified::push_registers(
                    &mut self.stack.registers,
                    start,
                    n,
                    register_count,
                    (header.this_register, this),
                )
            },
        }
        let extra = if argc > parameter_count || fl & (flags::GENERATOR | flags::ASYNC) != 0 {
            Some(self.frame_extra(callee, args, parameter_count, fl, realm))
        } else {
            None
        };
        self.publish_for_push(return_to, 0);
        let slot = crate::verified::next_slot(&mut self.stack.frames);
        slot.write(Frame {
            script,
            callee: callee.value(),
            this,
            new_target,
            pc: 0,
            base,
            env,
            function,
            argc: argc as u32,
            env_depth: 0,
            realm,
            return_to,
            is_construct,
            strict,
            extra,
        });
        // SAFETY: the slot `next_slot` gave was just written.
        unsafe { crate::verified::commit_slot(&mut self.stack.frames) };
        Ok(())
    }

    /// The extras of a frame for `callee` that has arguments past its parameters or is a
    /// generator or async function (whose object is made here).
    #[cold]
    #[inline(never)]
    fn frame_extra(
        &mut self,
        callee: ObjRef,
        args: Args<'_>,
        parameter_count: usize,
        fl: u32,
        realm: u32,
    ) -> Box<FrameExtra> {
        let extra_args = match args {
            Args::Slice(a) => a.get(parameter_count..).unwrap_or_default().to_vec(),
            Args::Registers { start, count } if count > parameter_count => {
                self.stack.registers[start + parameter_count..start + count].to_vec()
            }
            Args::Registers { .. } => Vec::new(),
        };
        let mut generator = None;
        let mut promise = None;
        if fl & flags::GENERATOR != 0 {
            let is_async = fl & flags::ASYNC != 0;
            let key = PropertyKey::String(self.agent.names.prototype);
            let proto = match self.own_property_raw(callee, key).map(|p| p.slot) {
                Some(Slot::Data(p)) if p.is_object() => p.as_object(),
                _ => {
                    let r = &self.realms[realm as usize];
                    Some(if is_async {
                        r.async_generator_prototype
                    } else {
                        r.generator_prototype
                    })
                }
            };
            let g = self.alloc(Object::new(
                proto,
                ObjectKind::Generator(Box::new(Generator {
                    state: GeneratorState::Executing,
                    started: false,
                    saved: None,
                    queue: Default::default(),
                    is_async,
                })),
            ));
            generator = Some(g);
        } else if fl & flags::ASYNC != 0 {
            let p = crate::builtins::promise::new_promise(self);
            let holder = self.alloc(Object::new(
                None,
                ObjectKind::AsyncFunction(Box::new(Generator {
                    state: GeneratorState::Executing,
                    started: true,
                    saved: None,
                    queue: Default::default(),
                    is_async: true,
                })),
            ));
            generator = Some(holder);
            promise = Some(p.value());
        }
        Box::new(FrameExtra {
            extra_args,
            generator,
            promise,
            ..FrameExtra::default()
        })
    }

    /// Pops the top frame and hands `value` to where it returns, applying the rules of
    /// constructors, generators and async functions.
    #[inline]
    pub fn finish_frame(&mut self, value: Value) -> JsResult<Completion> {
        // The common case: a plain call returning into a register of the calling frame.
        let f = self.stack.frames.last().expect("a frame");
        if let (ReturnTo::Register(r), false, None) = (f.return_to, f.is_construct, &f.extra) {
            let base = f.base;
            self.discard_frame();
            self.stack.registers.truncate(base);
            let caller = self.stack.frames.last().expect("a caller");
            let at = caller.base + r as usize;
            self.stack.registers[at] = value;
            return Ok(Completion::Continue);
        }
        self.finish_frame_with(value)
    }

    /// [`Vm::finish_frame`] for constructors, generators, async functions and returns to
    /// native code.
    fn finish_frame_with(&mut self, value: Value) -> JsResult<Completion> {
        // Read what is needed and drop the frame in place (no move of the whole frame).
        let frame = {
            let f = self.stack.frames.last().expect("a frame");
            Finished {
                base: f.base,
                is_construct: f.is_construct,
                callee: f.callee,
                this: f.this,
                promise: f.promise(),
                generator: f.generator(),
                return_to: f.return_to,
            }
        };
        self.discard_frame();
        self.stack.registers.truncate(frame.base);
        let mut result = value;
        if frame.is_construct && !result.is_object() {
            let derived = matches!(
                frame.callee.as_object().map(|c| &self.obj(c).kind),
                Some(ObjectKind::Function(c)) if c.constructor_kind == ConstructorKind::Derived
            );
            if derived {
                if !result.is_undefined() {
                    // Thrown in the caller, after the constructor's frame is gone.
                    let e =
                        self.type_error("Derived constructors may only return object or undefined");
                    return Ok(match frame.return_to {
                        ReturnTo::Native => Completion::NativeThrow(e),
                        ReturnTo::Register(_) => Completion::Throw(e),
                    });
                }
                // `undefined` from a derived constructor is replaced by `this` in the bytecode.
            } else {
                result = frame.this;
            }
        }
        if let Some(p) = frame.promise {
            crate::builtins::promise::resolve_promise(self, p, value)?;
            result = p;
        }
        if let Some(g) = frame.generator
            && let ObjectKind::Generator(gen_state) = &mut self.obj_mut(g).kind
        {
            gen_state.state = GeneratorState::Completed;
            if gen_state.is_async {
                crate::builtins::generator::async_generator_complete(self, g, value, false)?;
                result = Value::UNDEFINED;
            } else {
                result =
                    crate::abstract_ops::iterators::create_iter_result_object(self, value, true);
            }
        }
        Ok(self.hand_back(frame.return_to, result))
    }

    /// Hands `result` of the frame just popped or suspended to where it returns: the calling
    /// native code, or a register of the calling frame (now the top one).
    pub(crate) fn hand_back(&mut self, return_to: ReturnTo, result: Value) -> Completion {
        match return_to {
            ReturnTo::Native => Completion::Native(result),
            ReturnTo::Register(r) => {
                let caller = self.stack.frames.last().expect("a caller");
                let at = caller.base + r as usize;
                self.stack.registers[at] = result;
                Completion::Continue
            }
        }
    }

    /// Suspends the top frame into its generator or async function object. Returns the
    /// holder, where the frame returned to, and an async function's promise.
    pub fn suspend_frame(
        &mut self,
        resume_value: u32,
        resume_mode: u32,
    ) -> (ObjRef, ReturnTo, Option<Value>) {
        let mut frame = self.pop_frame().expect("a frame");
        let registers = self.stack.registers[frame.base..].to_vec();
        self.stack.registers.truncate(frame.base);
        let extra = frame.extra.as_mut().expect("a generator frame");
        extra.resume_value = resume_value;
        extra.resume_mode = resume_mode;
        let holder = extra.generator.expect("a generator frame");
        let promise = extra.promise;
        let return_to = frame.return_to;
        match &mut self.obj_mut(holder).kind {
            ObjectKind::Generator(g) | ObjectKind::AsyncFunction(g) => {
                g.saved = Some(SavedFrame { frame, registers });
            }
            _ => unreachable!("a generator"),
        }
        (holder, return_to, promise)
    }

    /// Resumes a suspended frame: `mode` 0 next (value into the resume register), 1 throw,
    /// 2 return. Runs until the frame suspends again or finishes; returns what it hands out.
    /// Resumes a suspended generator frame: `mode` 0 next, 1 throw, 2 return. A throw is
    /// thrown at the yield unless the yield delegates (`yield*`), whose loop forwards it.
    pub fn resume_frame(&mut self, holder: ObjRef, mode: u32, value: Value) -> JsResult<Value> {
        let saved = match &mut self.obj_mut(holder).kind {
            ObjectKind::Generator(g) | ObjectKind::AsyncFunction(g) => {
                g.state = GeneratorState::Executing;
                g.saved.take()
            }
            _ => None,
        };
        let Some(saved) = saved else {
            return Err(self.type_error("Generator is already running"));
        };
        self.check_stack()?;
        self.reserve_registers(saved.registers.len())?;
        let mut frame = saved.frame;
        frame.base = self.stack.registers.len();
        frame.return_to = ReturnTo::Native;
        self.stack.registers.extend_from_slice(&saved.registers);
        let base = frame.base;
        let (resume_value, resume_mode) = frame
            .extra
            .as_ref()
            .map_or((0, 0), |e| (e.resume_value, e.resume_mode));
        // An `await` suspends with no mode register (u32::MAX).
        let delegates = resume_mode != u32::MAX && resume_mode & DELEGATING_YIELD != 0;
        let rv = resume_value as usize;
        let rm = if delegates {
            (resume_mode & !DELEGATING_YIELD) as usize
        } else {
            resume_mode as usize
        };
        self.push_frame(frame);
        if mode == 1 && !delegates {
            return self.run(Some(JsError::Throw(value)));
        }
        if rv < saved.registers.len() {
            self.stack.registers[base + rv] = value;
        }
        if rm < saved.registers.len() {
            self.stack.registers[base + rm] = Value::int32(mode as i32);
        }
        self.run(None)
    }
}

/// Set in a frame's `resume_mode` when it is suspended at a `yield*` (YieldDelegate).
pub const DELEGATING_YIELD: u32 = 1 << 31;
