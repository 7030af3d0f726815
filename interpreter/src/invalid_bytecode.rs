//! Bytecode that breaks what the compiler guarantees, reachable only through a cache file forged
//! past the verifier's static checks: its error, and the operand checks that raise it.

use crate::heap::ObjRef;
use crate::loaded_script::LoadedScript;
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};

impl Vm {
    /// Verifies function `index` of `script` unless it already passed (`kiln_cache`'s lazy
    /// verification): before the first frame of any function, at the places a function index
    /// becomes runnable (a closure, a top-level frame). Bytecode the verifier rejects is a
    /// thrown error, and nothing of the function runs.
    #[inline]
    pub(crate) fn ensure_verified(&mut self, script: &LoadedScript, index: u32) -> JsResult<()> {
        match script.verified().ensure_function(index, &script.source) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.unverifiable(e)),
        }
    }

    #[cold]
    #[inline(never)]
    fn unverifiable(&mut self, error: kiln_cache::CacheError) -> JsError {
        self.type_error(&format!(
            "the code is corrupt (a forged or damaged cache?): {error}"
        ))
    }

    /// The error for code that breaks what the compiler guarantees — reachable only through a
    /// cache file forged past the verifier's static checks.
    #[cold]
    #[inline(never)]
    pub(crate) fn invalid_bytecode(&mut self, what: &str) -> JsError {
        self.type_error(&format!("invalid bytecode: {what}"))
    }

    /// `v` as an object, where the compiler guarantees one.
    #[inline(always)]
    pub(crate) fn expect_object(&mut self, v: Value, what: &str) -> JsResult<ObjRef> {
        match v.as_object() {
            Some(o) => Ok(o),
            None => Err(self.expected_operand(what)),
        }
    }

    /// The error of an operand the compiler guarantees but the bytecode lacks.
    #[cold]
    #[inline(never)]
    fn expected_operand(&mut self, what: &str) -> JsError {
        self.invalid_bytecode(&format!("expected {what}"))
    }
}
