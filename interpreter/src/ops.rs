//! Type conversions (ECMA-262 7.1), comparisons (7.2) and the operators of 13.15.

use crate::heap::{BigRef, ObjRef, StrRef};
use crate::limits::STRING_CHUNK;
use crate::number_conversion::{number_to_string, string_to_number};
use crate::object::{Object, ObjectKind, PropertyKey};
use crate::string::{Atom, LONG_NAME, NameDigest, StrData};
use crate::value::{HeapKind, Unboxed, Value};
use crate::vm::{JsResult, Vm};
use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Default,
    Number,
    String,
}

impl Vm {
    pub fn bigint(&self, b: BigRef) -> &BigInt {
        self.agent.heap.bigints.get(b.0)
    }

    pub fn new_bigint(&mut self, b: BigInt) -> Value {
        self.agent.heap.alloc_bigint(b).value()
    }

    /// 7.1.2 ToBoolean
    pub fn to_boolean(&self, v: Value) -> bool {
        match v.unbox() {
            Unboxed::Undefined | Unboxed::Null | Unboxed::Hole => false,
            Unboxed::Boolean(b) => b,
            Unboxed::Int32(i) => i != 0,
            Unboxed::Number(n) => !(n == 0.0 || n.is_nan()),
            Unboxed::Heap(HeapKind::String, i) => self.agent.heap.strings.get(i as u32).len > 0,
            Unboxed::Heap(HeapKind::BigInt, i) => !self.agent.heap.bigints.get(i as u32).is_zero(),
            Unboxed::Heap(HeapKind::Object, i) => {
                !self.agent.heap.objects.get(i as u32).is_html_dda
            }
            Unboxed::Heap(HeapKind::Symbol, _) => true,
        }
    }

    /// 7.1.1 ToPrimitive
    pub fn to_primitive(&mut self, v: Value, hint: Hint) -> JsResult<Value> {
        let Some(o) = v.as_object() else {
            return Ok(v);
        };
        let key = PropertyKey::Symbol(self.agent.symbols.to_primitive);
        let exotic = self.get(o, key, v)?;
        if !exotic.is_nullish() {
            if !self.is_callable(exotic) {
                return Err(self.type_error("Symbol.toPrimitive is not a function"));
            }
            let h = match hint {
                Hint::Default => "default",
                Hint::Number => "number",
                Hint::String => "string",
            };
            let h = self.string(h);
            let result = self.call(exotic, v, &[h])?;
            if result.is_object() {
                return Err(self.type_error("Cannot convert object to primitive value"));
            }
            return Ok(result);
        }
        self.ordinary_to_primitive(v, hint)
    }

    /// 7.1.1.1 OrdinaryToPrimitive
    pub fn ordinary_to_primitive(&mut self, v: Value, hint: Hint) -> JsResult<Value> {
        let Some(o) = v.as_object() else {
            return Ok(v);
        };
        let order = if hint == Hint::String {
            [self.agent.names.to_string, self.agent.names.value_of]
        } else {
            [self.agent.names.value_of, self.agent.names.to_string]
        };
        for name in order {
            let method = self.get(o, PropertyKey::String(name), v)?;
            if self.is_callable(method) {
                let result = self.call(method, v, &[])?;
                if !result.is_object() {
                    return Ok(result);
                }
            }
        }
        Err(self.type_error("Cannot convert object to primitive value"))
    }

    /// 7.1.4 ToNumber
    pub fn to_number(&mut self, v: Value) -> JsResult<f64> {
        match v.unbox() {
            Unboxed::Int32(i) => Ok(f64::from(i)),
            Unboxed::Number(n) => Ok(n),
            Unboxed::Undefined | Unboxed::Hole => Ok(f64::NAN),
            Unboxed::Null => Ok(0.0),
            Unboxed::Boolean(b) => Ok(if b { 1.0 } else { 0.0 }),
            Unboxed::Heap(HeapKind::String, i) => {
                let units = self.units_checked(StrRef(i as u32))?;
                Ok(string_to_number(&units))
            }
            Unboxed::Heap(HeapKind::Symbol, _) => {
                Err(self.type_error("Cannot convert a Symbol value to a number"))
            }
            Unboxed::Heap(HeapKind::BigInt, _) => {
                Err(self.type_error("Cannot convert a BigInt value to a number"))
            }
            Unboxed::Heap(HeapKind::Object, _) => {
                let p = self.to_primitive(v, Hint::Number)?;
                self.to_number(p)
            }
        }
    }

    /// 7.1.3 ToNumeric: a Number or a BigInt.
    pub fn to_numeric(&mut self, v: Value) -> JsResult<Value> {
        if v.is_number() || v.as_bigint().is_some() {
            return Ok(v);
        }
        let p = self.to_primitive(v, Hint::Number)?;
        if p.as_bigint().is_some() {
            return Ok(p);
        }
        Ok(Value::number(self.to_number(p)?))
    }

    /// 7.1.5 ToIntegerOrInfinity
    pub fn to_integer_or_infinity(&mut self, v: Value) -> JsResult<f64> {
        if let Some(i) = v.as_int32() {
            return Ok(f64::from(i));
        }
        let n = self.to_number(v)?;
        Ok(if n.is_nan() { 0.0 } else { n.trunc() + 0.0 })
    }

    /// 7.1.6 ToInt32
    pub fn to_int32(&mut self, v: Value) -> JsResult<i32> {
        if let Some(i) = v.as_int32() {
            return Ok(i);
        }
        let n = self.to_number(v)?;
        Ok(f64_to_int32(n))
    }

    /// 7.1.7 ToUint32
    pub fn to_uint32(&mut self, v: Value) -> JsResult<u32> {
        Ok(self.to_int32(v)? as u32)
    }

    /// 7.1.20 ToLength
    pub fn to_length(&mut self, v: Value) -> JsResult<f64> {
        let n = self.to_integer_or_infinity(v)?;
        Ok(n.clamp(0.0, 9007199254740991.0))
    }

    /// 7.1.22 ToIndex
    pub fn to_index(&mut self, v: Value) -> JsResult<u64> {
        if v.is_undefined() {
            return Ok(0);
        }
        let n = self.to_integer_or_infinity(v)?;
        if !(0.0..=9007199254740991.0).contains(&n) {
            return Err(self.range_error("Invalid index"));
        }
        Ok(n as u64)
    }

    /// 7.1.17 ToString
    pub fn to_string(&mut self, v: Value) -> JsResult<StrRef> {
        if let Some(s) = v.as_string() {
            return Ok(s);
        }
        let text = match v.unbox() {
            Unboxed::Undefined | Unboxed::Hole => "undefined".to_string(),
            Unboxed::Null => "null".to_string(),
            Unboxed::Boolean(b) => b.to_string(),
            Unboxed::Int32(i) => i.to_string(),
            Unboxed::Number(n) => number_to_string(n),
            Unboxed::Heap(HeapKind::Symbol, _) => {
                return Err(self.type_error("Cannot convert a Symbol value to a string"));
            }
            Unboxed::Heap(HeapKind::BigInt, i) => self.agent.heap.bigints.get(i as u32).to_string(),
            Unboxed::Heap(HeapKind::Object, _) => {
                let p = self.to_primitive(v, Hint::String)?;
                return self.to_string(p);
            }
            Unboxed::Heap(HeapKind::String, _) => unreachable!("handled above"),
        };
        Ok(self.string(&text).as_string().expect("a string"))
    }

    pub fn to_rust_string(&mut self, v: Value) -> JsResult<String> {
        let s = self.to_string(v)?;
        Ok(self.rust_string(s))
    }

    /// 7.1.19 ToPropertyKey
    pub fn to_property_key(&mut self, v: Value) -> JsResult<PropertyKey> {
        if let Some(i) = v.as_int32()
            && i >= 0
        {
            return Ok(PropertyKey::Index(i as u32));
        }
        if let Some(s) = v.as_symbol() {
            return Ok(PropertyKey::Symbol(s));
        }
        let p = if v.is_object() {
            self.to_primitive(v, Hint::String)?
        } else {
            v
        };
        if let Some(s) = p.as_symbol() {
            return Ok(PropertyKey::Symbol(s));
        }
        let s = self.to_string(p)?;
        self.string_key(s)
    }

    /// The property key of string `s`; a named key's atom is remembered by the string (and
    /// kept alive by it). Fails only when interning a long name is terminated.
    pub fn string_key(&mut self, s: StrRef) -> JsResult<PropertyKey> {
        let cached = self.agent.heap.strings.get(s.0).atom;
        if cached != crate::string::NO_ATOM {
            return Ok(PropertyKey::String(Atom(cached)));
        }
        if self.string_len(s) as usize > LONG_NAME {
            return self.long_string_key(s);
        }
        let units = self.units(s);
        let key = self.key_from_units(&units);
        if let PropertyKey::String(atom) = key {
            self.agent.heap.strings.get_mut(s.0).atom = atom.0;
        }
        Ok(key)
    }

    /// [`Vm::string_key`] of a string longer than [`LONG_NAME`] (never an array index): its
    /// units are flattened, digested and compared with the long names of the same digest a
    /// chunk at a time, with termination checks between.
    #[cold]
    fn long_string_key(&mut self, s: StrRef) -> JsResult<PropertyKey> {
        let units = self.units_checked(s)?;
        let mut digest = NameDigest::default();
        self.in_chunks(units.len(), STRING_CHUNK, |_, r| digest.add(&units[r]))?;
        let digest = digest.finish();
        let mut found = None;
        for candidate in self.agent.atoms.long_candidates(digest, units.len()) {
            let mut same = true;
            self.in_chunks(units.len(), STRING_CHUNK, |vm, r| {
                same = same && vm.agent.atoms.units(candidate)[r.clone()] == units[r];
            })?;
            if same {
                found = Some(candidate);
                break;
            }
        }
        let atom = match found {
            Some(atom) => atom,
            None => {
                // The table keeps the units (shared with `s` when it has two-byte storage).
                self.reserve(2 * units.len())?;
                let before = self.agent.atoms.heap_bytes();
                let atom = self.agent.atoms.add_long(units, digest);
                let grown = self.agent.atoms.heap_bytes().saturating_sub(before);
                self.agent.heap.note_growth(grown);
                atom
            }
        };
        self.agent.heap.strings.get_mut(s.0).atom = atom.0;
        Ok(PropertyKey::String(atom))
    }

    /// 7.1.18 ToObject
    pub fn to_object(&mut self, v: Value) -> JsResult<ObjRef> {
        if let Some(o) = v.as_object() {
            return Ok(o);
        }
        let proto = self.prototype_for_primitive(v)?;
        let kind = match v.unbox() {
            Unboxed::Boolean(b) => ObjectKind::Boolean(b),
            Unboxed::Int32(i) => ObjectKind::Number(f64::from(i)),
            Unboxed::Number(n) => ObjectKind::Number(n),
            Unboxed::Heap(HeapKind::String, i) => ObjectKind::String(StrRef(i as u32)),
            Unboxed::Heap(HeapKind::Symbol, i) => ObjectKind::Symbol(crate::heap::SymRef(i as u32)),
            Unboxed::Heap(HeapKind::BigInt, i) => ObjectKind::BigInt(BigRef(i as u32)),
            _ => return Err(self.type_error("Cannot convert undefined or null to object")),
        };
        Ok(self.alloc(Object::new(Some(proto), kind)))
    }

    pub fn is_callable(&self, v: Value) -> bool {
        match v.as_object() {
            Some(o) => match &self.obj(o).kind {
                ObjectKind::Function(_) | ObjectKind::Native(_) | ObjectKind::Bound(_) => true,
                ObjectKind::Proxy { callable, .. } => *callable,
                _ => false,
            },
            None => false,
        }
    }

    pub fn is_constructor(&self, v: Value) -> bool {
        let Some(mut o) = v.as_object() else {
            return false;
        };
        // A loop down a chain of bound functions, which can be as long as memory allows.
        loop {
            return match &self.obj(o).kind {
                ObjectKind::Function(c) => {
                    c.constructor_kind != crate::object::ConstructorKind::None
                }
                ObjectKind::Native(n) => n.construct.is_some(),
                ObjectKind::Bound(b) => {
                    o = b.target;
                    continue;
                }
                ObjectKind::Proxy { constructor, .. } => *constructor,
                _ => false,
            };
        }
    }

    /// `typeof v`
    pub fn type_of(&self, v: Value) -> &'static str {
        match v.unbox() {
            Unboxed::Undefined | Unboxed::Hole => "undefined",
            Unboxed::Null => "object",
            Unboxed::Boolean(_) => "boolean",
            Unboxed::Int32(_) | Unboxed::Number(_) => "number",
            Unboxed::Heap(HeapKind::String, _) => "string",
            Unboxed::Heap(HeapKind::Symbol, _) => "symbol",
            Unboxed::Heap(HeapKind::BigInt, _) => "bigint",
            Unboxed::Heap(HeapKind::Object, i) => {
                if self.agent.heap.objects.get(i as u32).is_html_dda {
                    "undefined"
                } else if self.is_callable(v) {
                    "function"
                } else {
                    "object"
                }
            }
        }
    }

    /// 7.2.15 IsStrictlyEqual. Fallible only through the termination checks of comparing two
    /// long strings.
    pub fn strict_equals(&mut self, a: Value, b: Value) -> JsResult<bool> {
        if a == b {
            return Ok(!a.as_number().is_some_and(f64::is_nan));
        }
        Ok(match (a.unbox(), b.unbox()) {
            (Unboxed::Int32(_) | Unboxed::Number(_), Unboxed::Int32(_) | Unboxed::Number(_)) => {
                a.as_number() == b.as_number()
            }
            (Unboxed::Heap(HeapKind::String, x), Unboxed::Heap(HeapKind::String, y)) => {
                return self.string_equals(StrRef(x as u32), StrRef(y as u32));
            }
            (Unboxed::Heap(HeapKind::BigInt, x), Unboxed::Heap(HeapKind::BigInt, y)) => {
                self.agent.heap.bigints.get(x as u32) == self.agent.heap.bigints.get(y as u32)
            }
            _ => false,
        })
    }

    /// Whether two strings have the same code units. Short flat strings compare at once;
    /// ropes and long strings (whose length a script chose) go through
    /// [`Vm::compare_strings`], which checks for termination.
    pub fn string_equals(&mut self, a: StrRef, b: StrRef) -> JsResult<bool> {
        if a == b {
            return Ok(true);
        }
        let len = self.string_len(a);
        if len != self.string_len(b) {
            return Ok(false);
        }
        if len as usize <= STRING_CHUNK
            && let Some(order) = compare_flat(
                &self.agent.heap.strings.get(a.0).data,
                &self.agent.heap.strings.get(b.0).data,
                0..len as usize,
            )
        {
            return Ok(order.is_eq());
        }
        Ok(self.compare_strings(a, b)?.is_eq())
    }

    /// The order of two strings by their code units (7.2.13 IsLessThan, step 3): ropes are
    /// flattened and long strings compared a chunk at a time, with termination checks between.
    pub fn compare_strings(&mut self, a: StrRef, b: StrRef) -> JsResult<std::cmp::Ordering> {
        self.flatten_checked(a)?;
        self.flatten_checked(b)?;
        let (la, lb) = (self.string_len(a) as usize, self.string_len(b) as usize);
        let common = la.min(lb);
        let mut start = 0;
        loop {
            let end = common.min(start + STRING_CHUNK);
            let order = compare_flat(
                &self.agent.heap.strings.get(a.0).data,
                &self.agent.heap.strings.get(b.0).data,
                start..end,
            )
            .expect("flattened strings");
            if order.is_ne() {
                return Ok(order);
            }
            if end == common {
                return Ok(la.cmp(&lb));
            }
            start = end;
            self.check_interrupt_now()?;
        }
    }

    /// 7.2.10 SameValue
    pub fn same_value(&mut self, a: Value, b: Value) -> JsResult<bool> {
        match (a.as_number(), b.as_number()) {
            (Some(x), Some(y)) => {
                if x.is_nan() && y.is_nan() {
                    return Ok(true);
                }
                Ok(x == y && x.is_sign_negative() == y.is_sign_negative())
            }
            _ => self.strict_equals(a, b),
        }
    }

    /// 7.2.11 SameValueZero
    pub fn same_value_zero(&mut self, a: Value, b: Value) -> JsResult<bool> {
        match (a.as_number(), b.as_number()) {
            (Some(x), Some(y)) => Ok((x.is_nan() && y.is_nan()) || x == y),
            _ => self.strict_equals(a, b),
        }
    }

    /// 7.2.14 IsLooselyEqual
    pub fn loose_equals(&mut self, a: Value, b: Value) -> JsResult<bool> {
        if a.is_number() && b.is_number() {
            return Ok(a.as_number() == b.as_number());
        }
        let a_nullish = a.is_nullish() || a.as_object().is_some_and(|o| self.obj(o).is_html_dda);
        let b_nullish = b.is_nullish() || b.as_object().is_some_and(|o| self.obj(o).is_html_dda);
        if (a.is_nullish() || b.is_nullish()) && a_nullish && b_nullish {
            return Ok(true);
        }
        let same_type = std::mem::discriminant(&kind_of(a)) == std::mem::discriminant(&kind_of(b));
        if same_type {
            return self.strict_equals(a, b);
        }
        if a.is_nullish() || b.is_nullish() {
            return Ok(false);
        }
        // Number and String, BigInt and String.
        if a.is_number() && b.is_string() {
            let n = self.to_number(b)?;
            return Ok(a.as_number() == Some(n));
        }
        if a.is_string() && b.is_number() {
            let n = self.to_number(a)?;
            return Ok(b.as_number() == Some(n));
        }
        if let (Some(x), true) = (a.as_bigint(), b.is_string()) {
            let s = self.to_rust_string(b)?;
            return Ok(parse_bigint_string(&s).is_some_and(|y| &y == self.bigint(x)));
        }
        if let (true, Some(_)) = (a.is_string(), b.as_bigint()) {
            return self.loose_equals(b, a);
        }
        if let Some(x) = a.as_bool() {
            return self.loose_equals(Value::int32(i32::from(x)), b);
        }
        if let Some(y) = b.as_bool() {
            return self.loose_equals(a, Value::int32(i32::from(y)));
        }
        if (a.is_number() || a.is_string() || a.as_bigint().is_some() || a.as_symbol().is_some())
            && b.is_object()
        {
            let p = self.to_primitive(b, Hint::Default)?;
            return self.loose_equals(a, p);
        }
        if a.is_object()
            && (b.is_number()
                || b.is_string()
                || b.as_bigint().is_some()
                || b.as_symbol().is_some())
        {
            let p = self.to_primitive(a, Hint::Default)?;
            return self.loose_equals(p, b);
        }
        if let (Some(x), true) = (a.as_bigint(), b.is_number()) {
            return Ok(bigint_equals_number(
                self.bigint(x),
                b.as_number().unwrap_or(f64::NAN),
            ));
        }
        if let (true, Some(y)) = (a.is_number(), b.as_bigint()) {
            return Ok(bigint_equals_number(
                self.bigint(y),
                a.as_number().unwrap_or(f64::NAN),
            ));
        }
        Ok(false)
    }

    /// 13.15.3 ApplyStringOrNumericBinaryOperator for `+`.
    pub fn add(&mut self, a: Value, b: Value) -> JsResult<Value> {
        if let (Some(x), Some(y)) = (a.as_int32(), b.as_int32()) {
            return Ok(match x.checked_add(y) {
                Some(r) => Value::int32(r),
                None => Value::number(f64::from(x) + f64::from(y)),
            });
        }
        if let (Some(x), Some(y)) = (a.as_number(), b.as_number()) {
            return Ok(Value::number(x + y));
        }
        if let (Some(x), Some(y)) = (a.as_string(), b.as_string()) {
            return self.concat(x, y);
        }
        let pa = self.to_primitive(a, Hint::Default)?;
        let pb = self.to_primitive(b, Hint::Default)?;
        if pa.is_string() || pb.is_string() {
            let sa = self.to_string(pa)?;
            let sb = self.to_string(pb)?;
            return self.concat(sa, sb);
        }
        self.numeric_op(Op::Add, pa, pb)
    }

    /// The numeric operators on Numbers and BigInts (after ToNumeric).
    pub fn numeric_op(&mut self, op: Op, a: Value, b: Value) -> JsResult<Value> {
        let a = self.to_numeric(a)?;
        let b = self.to_numeric(b)?;
        match (a.as_bigint(), b.as_bigint()) {
            (None, None) => {
                let x = a.as_number().unwrap_or(f64::NAN);
                let y = b.as_number().unwrap_or(f64::NAN);
                Ok(number_op(op, x, y))
            }
            (Some(x), Some(y)) => {
                let x = self.bigint(x).clone();
                let y = self.bigint(y).clone();
                let r = self.bigint_op(op, x, y)?;
                Ok(self.new_bigint(r))
            }
            _ => {
                Err(self.type_error("Cannot mix BigInt and other types, use explicit conversions"))
            }
        }
    }

    fn bigint_op(&mut self, op: Op, x: BigInt, y: BigInt) -> JsResult<BigInt> {
        if x.bits().max(y.bits()) > 1 << 14 {
            // Such an operation costs more than the thousand instructions between the dispatch
            // loop's clock reads, so a loop of them would overrun a deadline by seconds.
            self.check_interrupt_now()?;
        }
        let r = self.bigint_op_unchecked(op, x, y)?;
        // Results the estimates below let through are at most about twice the limit.
        self.check_bigint_bits(r.bits() as f64)?;
        Ok(r)
    }

    /// A BigInt operation, refusing before it computes a result far past
    /// [`MAX_BIGINT_BITS`](crate::limits::MAX_BIGINT_BITS): one num-bigint step cannot be
    /// interrupted, so it must stay small.
    fn bigint_op_unchecked(&mut self, op: Op, x: BigInt, y: BigInt) -> JsResult<BigInt> {
        use num_bigint::Sign;
        Ok(match op {
            Op::Add => x + y,
            Op::Sub => x - y,
            Op::Mul => {
                // The product has `bits(x) + bits(y)` bits, or one fewer.
                if !x.is_zero() && !y.is_zero() {
                    self.check_bigint_bits((x.bits() + y.bits()) as f64 - 1.0)?;
                }
                x * y
            }
            Op::Div => {
                if y.is_zero() {
                    return Err(self.range_error("Division by zero"));
                }
                x / y
            }
            Op::Rem => {
                if y.is_zero() {
                    return Err(self.range_error("Division by zero"));
                }
                x % y
            }
            Op::Exp => {
                if y.sign() == Sign::Minus {
                    return Err(self.range_error("Exponent must be non-negative"));
                }
                if x.magnitude().bits() <= 1 {
                    // 0, 1 and -1 stay that small.
                    return Ok(if y.is_zero() {
                        BigInt::from(1)
                    } else if x.sign() == Sign::Minus && y.bit(0) {
                        x
                    } else {
                        BigInt::from(x.magnitude().clone())
                    });
                }
                // |x| ≥ 2^(bits(x) − 1), so x^e has more than (bits(x) − 1) · e bits.
                let e = y.to_f64().unwrap_or(f64::INFINITY);
                self.check_bigint_bits((x.bits() - 1) as f64 * e)?;
                x.pow(e as u32)
            }
            Op::BitAnd => x & y,
            Op::BitOr => x | y,
            Op::BitXor => x ^ y,
            Op::Shl | Op::Shr => {
                let shift = y.to_i64().unwrap_or(if y.sign() == Sign::Minus {
                    i64::MIN
                } else {
                    i64::MAX
                });
                let shift = if op == Op::Shr {
                    shift.saturating_neg()
                } else {
                    shift
                };
                if shift >= 0 {
                    if x.is_zero() {
                        return Ok(x);
                    }
                    self.check_bigint_bits(x.bits() as f64 + shift as f64)?;
                    x << (shift as usize)
                } else {
                    let s = shift.unsigned_abs().min(1 << 31) as usize;
                    // Arithmetic shift right rounds towards negative infinity.
                    let q = &x >> s;
                    if x.sign() == Sign::Minus && (&q << s) != x {
                        q - 1
                    } else {
                        q
                    }
                }
            }
            Op::Ushr => {
                return Err(self.type_error("BigInts have no unsigned right shift, use >> instead"));
            }
        })
    }

    /// 7.2.13 IsLessThan; `None` for undefined (a NaN was involved).
    pub fn less_than(&mut self, a: Value, b: Value, left_first: bool) -> JsResult<Option<bool>> {
        if let (Some(x), Some(y)) = (a.as_int32(), b.as_int32()) {
            return Ok(Some(x < y));
        }
        let (pa, pb) = if left_first {
            let pa = self.to_primitive(a, Hint::Number)?;
            let pb = self.to_primitive(b, Hint::Number)?;
            (pa, pb)
        } else {
            let pb = self.to_primitive(b, Hint::Number)?;
            let pa = self.to_primitive(a, Hint::Number)?;
            (pa, pb)
        };
        if let (Some(x), Some(y)) = (pa.as_string(), pb.as_string()) {
            return Ok(Some(self.compare_strings(x, y)?.is_lt()));
        }
        if let (Some(x), Some(y)) = (pa.as_bigint(), pb.as_string()) {
            let s = self.to_rust_string(y.value())?;
            return Ok(parse_bigint_string(&s).map(|n| self.bigint(x) < &n));
        }
        if let (Some(x), Some(y)) = (pa.as_string(), pb.as_bigint()) {
            let s = self.to_rust_string(x.value())?;
            return Ok(parse_bigint_string(&s).map(|n| &n < self.bigint(y)));
        }
        let na = self.to_numeric(pa)?;
        let nb = self.to_numeric(pb)?;
        match (na.as_bigint(), nb.as_bigint()) {
            (None, None) => {
                let x = na.as_number().unwrap_or(f64::NAN);
                let y = nb.as_number().unwrap_or(f64::NAN);
                if x.is_nan() || y.is_nan() {
                    Ok(None)
                } else {
                    Ok(Some(x < y))
                }
            }
            (Some(x), Some(y)) => Ok(Some(self.bigint(x) < self.bigint(y))),
            (Some(x), None) => {
                let y = nb.as_number().unwrap_or(f64::NAN);
                Ok(compare_bigint_number(self.bigint(x), y).map(|o| o.is_lt()))
            }
            (None, Some(y)) => {
                let x = na.as_number().unwrap_or(f64::NAN);
                Ok(compare_bigint_number(self.bigint(y), x).map(|o| o.is_gt()))
            }
        }
    }

    /// 13.10.2 InstanceofOperator
    pub fn instance_of(&mut self, v: Value, target: Value) -> JsResult<bool> {
        let Some(t) = target.as_object() else {
            return Err(self.type_error("Right-hand side of 'instanceof' is not an object"));
        };
        let key = PropertyKey::Symbol(self.agent.symbols.has_instance);
        let handler = self.get(t, key, target)?;
        if !handler.is_nullish() {
            let r = self.call(handler, target, &[v])?;
            return Ok(self.to_boolean(r));
        }
        if !self.is_callable(target) {
            return Err(self.type_error("Right-hand side of 'instanceof' is not callable"));
        }
        self.ordinary_has_instance(target, v)
    }

    /// 7.3.22 OrdinaryHasInstance
    pub fn ordinary_has_instance(&mut self, c: Value, v: Value) -> JsResult<bool> {
        if !self.is_callable(c) {
            return Ok(false);
        }
        let co = c.as_object().expect("callable");
        if let ObjectKind::Bound(b) = &self.obj(co).kind {
            let target = b.target.value();
            // InstanceofOperator on the target: a chain of bound functions recurses per link.
            self.check_native_stack()?;
            return self.instance_of(v, target);
        }
        let Some(mut o) = v.as_object() else {
            return Ok(false);
        };
        let key = PropertyKey::String(self.agent.names.prototype);
        let proto = self.get(co, key, c)?;
        let Some(proto) = proto.as_object() else {
            return Err(self.type_error("Function has non-object prototype in instanceof check"));
        };
        loop {
            match self.get_prototype_of(o)? {
                Some(p) if p == proto => return Ok(true),
                Some(p) => o = p,
                None => return Ok(false),
            }
        }
    }

    /// `Number::toString` as a string value.
    pub fn number_string(&mut self, n: f64) -> Value {
        let text = number_to_string(n);
        self.string(&text)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Exp,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    Ushr,
}

pub fn number_op(op: Op, x: f64, y: f64) -> Value {
    Value::number(match op {
        Op::Add => x + y,
        Op::Sub => x - y,
        Op::Mul => x * y,
        Op::Div => x / y,
        Op::Rem => {
            if y.is_infinite() && x.is_finite() {
                x
            } else {
                x % y
            }
        }
        Op::Exp => number_exp(x, y),
        Op::BitAnd => f64::from(f64_to_int32(x) & f64_to_int32(y)),
        Op::BitOr => f64::from(f64_to_int32(x) | f64_to_int32(y)),
        Op::BitXor => f64::from(f64_to_int32(x) ^ f64_to_int32(y)),
        Op::Shl => f64::from(f64_to_int32(x).wrapping_shl(f64_to_int32(y) as u32 & 31)),
        Op::Shr => f64::from(f64_to_int32(x) >> (f64_to_int32(y) as u32 & 31)),
        Op::Ushr => f64::from((f64_to_int32(x) as u32) >> (f64_to_int32(y) as u32 & 31)),
    })
}

/// 6.1.6.1.3 Number::exponentiate
pub fn number_exp(x: f64, y: f64) -> f64 {
    if y.is_nan() {
        return f64::NAN;
    }
    if y == 0.0 {
        return 1.0;
    }
    if (x == 1.0 || x == -1.0) && y.is_infinite() {
        return f64::NAN;
    }
    libm::pow(x, y)
}

pub fn f64_to_int32(n: f64) -> i32 {
    if !n.is_finite() {
        return 0;
    }
    let i = n.trunc();
    if i.abs() < 2147483648.0 {
        return i as i32;
    }
    let m = i.rem_euclid(4294967296.0);
    m as u64 as u32 as i32
}

enum Kind {
    Undefined,
    Null,
    Boolean,
    Number,
    String,
    Symbol,
    BigInt,
    Object,
}

fn kind_of(v: Value) -> Kind {
    match v.unbox() {
        Unboxed::Undefined | Unboxed::Hole => Kind::Undefined,
        Unboxed::Null => Kind::Null,
        Unboxed::Boolean(_) => Kind::Boolean,
        Unboxed::Int32(_) | Unboxed::Number(_) => Kind::Number,
        Unboxed::Heap(HeapKind::String, _) => Kind::String,
        Unboxed::Heap(HeapKind::Symbol, _) => Kind::Symbol,
        Unboxed::Heap(HeapKind::BigInt, _) => Kind::BigInt,
        Unboxed::Heap(HeapKind::Object, _) => Kind::Object,
    }
}

/// 7.1.14 StringToBigInt: `None` for text that is no BigInt, or one past the maximum size
/// (which therefore compares as undefined with every BigInt).
pub fn parse_bigint_string(s: &str) -> Option<BigInt> {
    string_to_bigint(s).ok()
}

/// Why StringToBigInt made no BigInt.
#[derive(Debug, PartialEq)]
pub enum StringToBigIntError {
    /// Not a StringIntegerLiteral.
    Syntax,
    /// More than [`MAX_BIGINT_BITS`](crate::limits::MAX_BIGINT_BITS) bits.
    TooLarge,
}

/// 7.1.14 StringToBigInt
pub fn string_to_bigint(s: &str) -> Result<BigInt, StringToBigIntError> {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    if t.is_empty() {
        return Ok(BigInt::zero());
    }
    let lower = t.to_ascii_lowercase();
    let (radix, digits, negative) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r, false)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r, false)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r, false)
    } else if let Some(r) = lower.strip_prefix('-') {
        (10, r, true)
    } else if let Some(r) = lower.strip_prefix('+') {
        (10, r, false)
    } else {
        (10, lower.as_str(), false)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(StringToBigIntError::Syntax);
    }
    let significant = digits.trim_start_matches('0').as_bytes();
    // A value of d digits has more than (d − 1) · log2(radix) bits.
    let least_bits = significant.len().saturating_sub(1) as f64 * libm::log2(f64::from(radix));
    if least_bits > crate::limits::MAX_BIGINT_BITS as f64 {
        return Err(StringToBigIntError::TooLarge);
    }
    let n = parse_digits(significant, radix);
    Ok(if negative { -n } else { n })
}

/// The value of ASCII `digits` (all valid in `radix`). num-bigint converts from a radix that
/// is not a power of two in quadratic time; splitting in halves and joining them with one
/// multiplication each makes a maximum-size decimal string parse about ten times faster.
fn parse_digits(digits: &[u8], radix: u32) -> BigInt {
    if digits.len() <= 2048 || radix.is_power_of_two() {
        return BigInt::parse_bytes(digits, radix).unwrap_or_default();
    }
    let low = digits.len() / 2;
    let (hi, lo) = digits.split_at(digits.len() - low);
    parse_digits(hi, radix) * BigInt::from(radix).pow(low as u32) + parse_digits(lo, radix)
}

pub fn compare_bigint_number(b: &BigInt, n: f64) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    if n.is_nan() {
        return None;
    }
    if n == f64::INFINITY {
        return Some(Ordering::Less);
    }
    if n == f64::NEG_INFINITY {
        return Some(Ordering::Greater);
    }
    let floor = n.floor();
    let fb = BigInt::from(floor as i128);
    let fb = if floor.abs() < 1e36 {
        fb
    } else {
        BigInt::parse_bytes(format!("{floor:.0}").as_bytes(), 10).unwrap_or(fb)
    };
    match b.cmp(&fb) {
        Ordering::Equal => Some(if n > floor {
            Ordering::Less
        } else {
            Ordering::Equal
        }),
        o => Some(o),
    }
}

fn bigint_equals_number(b: &BigInt, n: f64) -> bool {
    compare_bigint_number(b, n) == Some(std::cmp::Ordering::Equal)
}

/// The order of the units at `range` in two flat strings; `None` if either is a rope.
fn compare_flat(
    a: &StrData,
    b: &StrData,
    range: std::ops::Range<usize>,
) -> Option<std::cmp::Ordering> {
    Some(match (a, b) {
        (StrData::Latin1(x), StrData::Latin1(y)) => x[range.clone()].cmp(&y[range]),
        (StrData::Utf16(x), StrData::Utf16(y)) => x[range.clone()].cmp(&y[range]),
        (StrData::Latin1(x), StrData::Utf16(y)) => {
            compare_latin1_utf16(&x[range.clone()], &y[range])
        }
        (StrData::Utf16(x), StrData::Latin1(y)) => {
            compare_latin1_utf16(&y[range.clone()], &x[range]).reverse()
        }
        _ => return None,
    })
}

/// The order of one-byte units `x` and two-byte units `y` of the same length.
fn compare_latin1_utf16(x: &[u8], y: &[u16]) -> std::cmp::Ordering {
    x.iter()
        .zip(y)
        .map(|(&p, &q)| u16::from(p).cmp(&q))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// `a == b` when it needs no conversion: numbers, identical non-NaN bits, and `null`/`undefined`
/// against anything that is not an object (objects may be IsHTMLDDA).
/// `a == b` where no conversion can run; `None` otherwise. `is_html_dda` says whether an
/// object equals `null` and `undefined` (`$262.IsHTMLDDA`, Annex B's [[IsHTMLDDA]]).
pub(crate) fn quick_loose_equals(
    a: Value,
    b: Value,
    is_html_dda: impl Fn(ObjRef) -> bool,
) -> Option<bool> {
    if let (Some(x), Some(y)) = (a.as_number(), b.as_number()) {
        return Some(x == y);
    }
    if a == b {
        return Some(true);
    }
    if a.is_nullish() && !b.is_object() {
        return Some(b.is_nullish());
    }
    if b.is_nullish() && !a.is_object() {
        return Some(a.is_nullish());
    }
    if a.is_object() && b.is_object() {
        return Some(false);
    }
    // One side nullish, the other an object: equal only for an [[IsHTMLDDA]] object.
    if let Some(o) = a.as_object().filter(|_| b.is_nullish()) {
        return Some(is_html_dda(o));
    }
    if let Some(o) = b.as_object().filter(|_| a.is_nullish()) {
        return Some(is_html_dda(o));
    }
    None
}

/// `==` when neither value's cell need be looked at: two int32s, the same value that is not a
/// Number (the same object, string, symbol...), or `undefined`/`null` against a primitive —
/// or against anything while no [[IsHTMLDDA]] object exists (`dda_possible` false: then
/// `x == null` for an object `x` is false without a look at the object).
/// Small enough to inline where `quick_loose_equals` is not.
#[inline(always)]
pub(crate) fn trivially_loose_equal(a: Value, b: Value, dda_possible: bool) -> Option<bool> {
    if let (Some(x), Some(y)) = (a.as_int32(), b.as_int32()) {
        return Some(x == y);
    }
    if a == b && !a.is_number() {
        return Some(true);
    }
    if (a.is_nullish() || b.is_nullish()) && (!dda_possible || (!a.is_object() && !b.is_object())) {
        return Some(a.is_nullish() && b.is_nullish());
    }
    None
}
