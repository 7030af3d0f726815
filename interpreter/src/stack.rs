//! The running code, one per interpreter: the register stack, the call frames, and what the
//! running execution context holds besides (its realm, the exception being thrown).

use crate::heap::{EnvRef, ObjRef};
use crate::loaded_script::LoadedScript;
use crate::value::Value;
use std::rc::Rc;

/// The running code (one per interpreter): the register stack, the call frames, and what the
/// running execution context holds besides (its realm, the exception being thrown).
pub struct ExecutionStack {
    pub registers: Vec<Value>,
    pub frames: Vec<Frame>,
    /// The running frame's pc, stored by the dispatch loop before every instruction (the sync
    /// point); `push_frame` saves it into the caller's frame, `pop_frame` restores it from the
    /// caller's. Read a frame's pc through `frame_pc`.
    pub published_pc: usize,
    /// The current realm (the running execution context's Realm).
    pub realm: u32,
    /// The exception a handler is about to catch (`Catch` reads it).
    pub thrown: Value,
    /// Where the exception being thrown started: (script, source offset).
    pub exception_origin: Option<(Rc<LoadedScript>, u32)>,
    /// The exception value `exception_origin` describes.
    pub origin_value: Option<Value>,
    /// The most frames a stack trace shows.
    pub max_frames: usize,
    /// The native function being called (for [`Vm::native_data`](crate::vm::Vm::native_data)).
    pub current_native: Option<ObjRef>,
    /// Arrays being joined (cycle detection in `Array.prototype.join`).
    pub join_stack: Vec<ObjRef>,
}

/// The most values the register stack of all frames may hold (32 MiB): deep recursion through
/// frames with many registers is a RangeError, not an exhausted machine.
pub const MAX_REGISTER_STACK: usize = 1 << 22;

/// Where a finished frame's result goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnTo {
    /// Into register `r` of the calling frame.
    Register(u32),
    /// Out of the dispatch loop, to the native code that started it.
    Native,
}

/// A call's record on the frame stack. Kept small (a call writes one, a return reads one):
/// what only generator, async and over-supplied calls need lives in [`FrameExtra`].
pub struct Frame {
    /// Kept alive by the callee or the extras (see `ScriptRef`).
    pub script: crate::verified::ScriptRef,
    pub callee: Value,
    pub this: Value,
    pub new_target: Value,
    pub pc: usize,
    pub base: usize,
    pub env: Option<EnvRef>,
    pub function: u32,
    pub argc: u32,
    pub env_depth: u32,
    pub realm: u32,
    pub return_to: ReturnTo,
    pub is_construct: bool,
    pub strict: bool,
    /// `None` for a plain call with no arguments past its parameters.
    pub extra: Option<Box<FrameExtra>>,
}

/// The parts of a frame most calls do not have.
#[derive(Default)]
pub struct FrameExtra {
    /// Arguments past the declared parameters (the rest live in the first registers).
    pub extra_args: Vec<Value>,
    /// The generator or async function object this frame runs for.
    pub generator: Option<ObjRef>,
    /// An async function's result promise.
    pub promise: Option<Value>,
    /// Registers a `Yield`/`Await` resumes into: the value and the mode.
    pub resume_value: u32,
    pub resume_mode: u32,
    /// The owner of the frame's script when it has no closure of its own: a script's,
    /// module's or eval's top level (see `ScriptRef`).
    pub script: Option<Rc<LoadedScript>>,
}

impl FrameExtra {
    /// The extras of a frame for the top level of `script` (a script's, module's or eval's,
    /// which has no closure to keep the script alive): they own it.
    pub fn top_level(
        script: &Rc<LoadedScript>,
        generator: Option<ObjRef>,
        promise: Option<Value>,
    ) -> Option<Box<FrameExtra>> {
        Some(Box::new(FrameExtra {
            generator,
            promise,
            script: Some(script.clone()),
            ..FrameExtra::default()
        }))
    }

    /// The extras of a new frame, boxed only when there are any.
    pub fn new(
        extra_args: Vec<Value>,
        generator: Option<ObjRef>,
        promise: Option<Value>,
    ) -> Option<Box<FrameExtra>> {
        if extra_args.is_empty() && generator.is_none() && promise.is_none() {
            return None;
        }
        Some(Box::new(FrameExtra {
            extra_args,
            generator,
            promise,
            ..FrameExtra::default()
        }))
    }
}

impl Frame {
    pub fn script(&self) -> &LoadedScript {
        self.script.get()
    }

    pub fn extra_args(&self) -> &[Value] {
        self.extra.as_ref().map_or(&[], |e| &e.extra_args)
    }

    pub fn generator(&self) -> Option<ObjRef> {
        self.extra.as_ref().and_then(|e| e.generator)
    }

    pub fn promise(&self) -> Option<Value> {
        self.extra.as_ref().and_then(|e| e.promise)
    }
}
