//! Conversions between JavaScript values and Rust types, for host functions' arguments and
//! results and for reading results: [`FromJs`] follows the spec's conversions (`ToNumber`,
//! `ToString`, `ToBoolean`), so what JavaScript would accept, a host function accepts.

use crate::{Error, Runtime};
use kiln_interpreter::Value;

/// A Rust value made from a JavaScript one.
///
/// ```
/// use kiln::{FromJs, Runtime, Value};
///
/// let mut runtime = Runtime::new();
/// let seven = runtime.string("7");
/// assert_eq!(f64::from_js(&mut runtime, seven).unwrap(), 7.0);
/// assert_eq!(runtime.from_js::<String>(Value::number(1.5)).unwrap(), "1.5");
/// assert_eq!(runtime.from_js::<Option<bool>>(Value::NULL).unwrap(), None);
/// ```
pub trait FromJs: Sized {
    /// Converts `value`; a conversion that throws (a symbol to a string) is an error.
    fn from_js(runtime: &mut Runtime, value: Value) -> Result<Self, Error>;
}

/// A JavaScript value made from a Rust one.
///
/// ```
/// use kiln::{IntoJs, Runtime};
///
/// let mut runtime = Runtime::new();
/// let list = runtime.to_js(vec!["a", "b"]).unwrap();
/// assert_eq!(runtime.display(list), "[ 'a', 'b' ]");
/// let nothing = runtime.to_js(None::<f64>).unwrap();
/// assert_eq!(runtime.display(nothing), "undefined");
/// ```
pub trait IntoJs {
    /// Converts `self`; an `Err` result is the error a host function throws.
    fn into_js(self, runtime: &mut Runtime) -> Result<Value, Error>;
}

impl Runtime {
    /// `value` as a `T` (see [`FromJs`]).
    ///
    /// ```
    /// use kiln::{Runtime, Script, ScriptOptions};
    ///
    /// let mut runtime = Runtime::new();
    /// let list = Script::new("[1, '2', 3.5]", ScriptOptions::default()).unwrap();
    /// let list = list.run_in_this_context(&mut runtime).unwrap();
    /// assert_eq!(runtime.from_js::<Vec<f64>>(list).unwrap(), [1.0, 2.0, 3.5]);
    /// ```
    pub fn from_js<T: FromJs>(&mut self, value: Value) -> Result<T, Error> {
        T::from_js(self, value)
    }

    /// `value` as a JavaScript value (see [`IntoJs`]). The result is not rooted.
    ///
    /// ```
    /// use kiln::Runtime;
    ///
    /// let mut runtime = Runtime::new();
    /// let v = runtime.to_js(Some("text")).unwrap();
    /// assert_eq!(runtime.display(v), "'text'");
    /// ```
    pub fn to_js<T: IntoJs>(&mut self, value: T) -> Result<Value, Error> {
        value.into_js(self)
    }
}

impl FromJs for Value {
    fn from_js(_: &mut Runtime, value: Value) -> Result<Value, Error> {
        Ok(value)
    }
}

impl FromJs for bool {
    fn from_js(runtime: &mut Runtime, value: Value) -> Result<bool, Error> {
        Ok(runtime.vm.to_boolean(value))
    }
}

impl FromJs for f64 {
    fn from_js(runtime: &mut Runtime, value: Value) -> Result<f64, Error> {
        runtime.vm.to_number(value).map_err(|e| runtime.error(e))
    }
}

impl FromJs for i32 {
    /// `ToInt32`: wraps modulo 2^32, NaN is 0.
    fn from_js(runtime: &mut Runtime, value: Value) -> Result<i32, Error> {
        runtime.vm.to_int32(value).map_err(|e| runtime.error(e))
    }
}

impl FromJs for u32 {
    /// `ToUint32`: wraps modulo 2^32, NaN is 0.
    fn from_js(runtime: &mut Runtime, value: Value) -> Result<u32, Error> {
        runtime.vm.to_uint32(value).map_err(|e| runtime.error(e))
    }
}

impl FromJs for String {
    fn from_js(runtime: &mut Runtime, value: Value) -> Result<String, Error> {
        runtime
            .vm
            .to_rust_string(value)
            .map_err(|e| runtime.error(e))
    }
}

impl<T: FromJs> FromJs for Option<T> {
    /// `None` for `undefined` and `null`.
    fn from_js(runtime: &mut Runtime, value: Value) -> Result<Option<T>, Error> {
        if value.is_nullish() {
            Ok(None)
        } else {
            T::from_js(runtime, value).map(Some)
        }
    }
}

impl<T: FromJs> FromJs for Vec<T> {
    /// The elements of an array-like object (`length`, then each index).
    fn from_js(runtime: &mut Runtime, value: Value) -> Result<Vec<T>, Error> {
        let Some(o) = value.as_object() else {
            let text = runtime.display(value);
            return Err(Error::Host(format!("{text} is not an array")));
        };
        runtime.handle_scope(|runtime| {
            runtime.root(value);
            let vm = &mut runtime.vm;
            let length = kiln_interpreter::abstract_ops::objects::length_of_array_like(vm, o)
                .map_err(|e| runtime.error(e))?;
            let mut out = Vec::new();
            for i in 0..length as u32 {
                let key = kiln_interpreter::object::PropertyKey::Index(i);
                let element = runtime.vm.get(o, key, value);
                let element = element.map_err(|e| runtime.error(e))?;
                out.push(T::from_js(runtime, element)?);
            }
            Ok(out)
        })
    }
}

impl IntoJs for Value {
    fn into_js(self, _: &mut Runtime) -> Result<Value, Error> {
        Ok(self)
    }
}

impl IntoJs for () {
    /// `undefined`.
    fn into_js(self, _: &mut Runtime) -> Result<Value, Error> {
        Ok(Value::UNDEFINED)
    }
}

impl IntoJs for bool {
    fn into_js(self, _: &mut Runtime) -> Result<Value, Error> {
        Ok(Value::boolean(self))
    }
}

macro_rules! numbers_into_js {
    ($($t:ty),*) => {$(
        impl IntoJs for $t {
            fn into_js(self, _: &mut Runtime) -> Result<Value, Error> {
                Ok(Value::number(self as f64))
            }
        }
    )*};
}

numbers_into_js!(f64, f32, i32, u32, i64, u64, usize);

impl IntoJs for &str {
    fn into_js(self, runtime: &mut Runtime) -> Result<Value, Error> {
        Ok(runtime.vm.string(self))
    }
}

impl IntoJs for String {
    fn into_js(self, runtime: &mut Runtime) -> Result<Value, Error> {
        Ok(runtime.vm.string(&self))
    }
}

impl<T: IntoJs> IntoJs for Option<T> {
    /// `undefined` for `None`.
    fn into_js(self, runtime: &mut Runtime) -> Result<Value, Error> {
        match self {
            Some(v) => v.into_js(runtime),
            None => Ok(Value::UNDEFINED),
        }
    }
}

impl<T: IntoJs> IntoJs for Vec<T> {
    /// A new array of the current realm.
    fn into_js(self, runtime: &mut Runtime) -> Result<Value, Error> {
        runtime.handle_scope(|runtime| {
            let mut values = Vec::with_capacity(self.len());
            for element in self {
                let v = element.into_js(runtime)?;
                // The next conversion may run code; the elements made so far stay.
                runtime.root(v);
                values.push(v);
            }
            Ok(runtime.vm.new_array(values).value())
        })
    }
}

impl<T: IntoJs> IntoJs for Result<T, Error> {
    /// The value, or the error a host function throws.
    fn into_js(self, runtime: &mut Runtime) -> Result<Value, Error> {
        self.and_then(|v| v.into_js(runtime))
    }
}
