//! `Value`: a JavaScript value in 64 bits (NaN boxing). Every bit trick of the engine's value
//! representation lives in this module.
//!
//! ```text
//!  63      51 50  48 47                                             0
//! ┌─┬────────┬─┬────┬────────────────────────────────────────────────┐
//! │s│ exp=7FF│1│tag │ payload (48 bits)                              │  boxed: tag != 0
//! └─┴────────┴─┴────┴────────────────────────────────────────────────┘
//! ```
//!
//! A double is stored as its own bits. Every NaN a computation produces is canonicalised to
//! `CANONICAL_NAN` (quiet NaN with tag bits 000), so any bit pattern with the sign bit set, an
//! all-ones exponent, the quiet bit set and a non-zero 3-bit tag in bits 48..51 is free for boxed
//! values: undefined, null, booleans, int32, and heap references (strings, symbols, BigInts,
//! objects) whose 48-bit payload is an address. x86-64 and AArch64 user-space addresses fit in 48
//! bits.

use std::fmt;

/// The kind of heap cell a reference points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeapKind {
    String,
    Symbol,
    BigInt,
    Object,
}

/// What a `Value` holds, for matching.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unboxed {
    Undefined,
    Null,
    Boolean(bool),
    Int32(i32),
    Number(f64),
    /// A heap cell's kind and address (48 bits).
    Heap(HeapKind, u64),
    /// [`Value::HOLE`].
    Hole,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Value(u64);

const BOX_PREFIX: u64 = 0xFFF8_0000_0000_0000;
const TAG_SHIFT: u32 = 48;
const TAG_MASK: u64 = 0x7 << TAG_SHIFT;
const PAYLOAD_MASK: u64 = (1 << TAG_SHIFT) - 1;
/// The only NaN stored unboxed: quiet, positive, tag 0.
const CANONICAL_NAN: u64 = 0x7FF8_0000_0000_0000;
/// The smallest boxed value: every bit pattern from here up is boxed, none below.
const FIRST_BOXED: u64 = boxed(TAG_SPECIAL, 0);

// Tags (bits 48..51 under the box prefix). 0 is never used: `BOX_PREFIX` alone is the negative
// quiet NaN, which canonicalisation never produces, so it can stay a plain double bit pattern.
const TAG_SPECIAL: u64 = 1; // payload: 0 undefined, 1 null, 2 false, 3 true
const TAG_INT32: u64 = 2;
const TAG_STRING: u64 = 3;
const TAG_SYMBOL: u64 = 4;
const TAG_BIGINT: u64 = 5;
const TAG_OBJECT: u64 = 6;
/// Never a JavaScript value: what an object's slot holds for an accessor property, a reference
/// to the cell with its getter and setter (see `crate::object::StoredSlot`).
const TAG_ACCESSOR_PAIR: u64 = 7;
/// Set in a `TAG_ACCESSOR_PAIR` payload: the slot holds a built-in method made on first use, its
/// realm in bits 16..47 and its number in the agent's table in bits 0..16.
const LAZY_METHOD: u64 = 1 << 47;

const fn boxed(tag: u64, payload: u64) -> u64 {
    BOX_PREFIX | (tag << TAG_SHIFT) | (payload & PAYLOAD_MASK)
}

impl Value {
    pub const UNDEFINED: Value = Value(boxed(TAG_SPECIAL, 0));
    pub const NULL: Value = Value(boxed(TAG_SPECIAL, 1));
    pub const FALSE: Value = Value(boxed(TAG_SPECIAL, 2));
    pub const TRUE: Value = Value(boxed(TAG_SPECIAL, 3));
    /// Never visible to JavaScript: an uninitialised binding (TDZ) or an array hole.
    pub const HOLE: Value = Value(boxed(TAG_SPECIAL, 4));

    pub fn boolean(b: bool) -> Value {
        if b { Value::TRUE } else { Value::FALSE }
    }

    pub fn int32(i: i32) -> Value {
        Value(boxed(TAG_INT32, u64::from(i as u32)))
    }

    /// A Number; integral values that fit in an int32 (but not -0) take the int32 form, so equal
    /// numbers have equal bits and arithmetic can take the integer fast path.
    pub fn number(n: f64) -> Value {
        let i = n as i32;
        if f64::from(i) == n && !(i == 0 && n.is_sign_negative()) {
            return Value::int32(i);
        }
        Value::double(n)
    }

    /// A Number always in double form (NaN canonicalised).
    pub fn double(n: f64) -> Value {
        if n.is_nan() {
            Value(CANONICAL_NAN)
        } else {
            Value(n.to_bits())
        }
    }

    /// A reference to a heap cell at `address`, which must fit in 48 bits.
    pub fn heap(kind: HeapKind, address: u64) -> Value {
        debug_assert!(address & !PAYLOAD_MASK == 0, "heap address beyond 48 bits");
        let tag = match kind {
            HeapKind::String => TAG_STRING,
            HeapKind::Symbol => TAG_SYMBOL,
            HeapKind::BigInt => TAG_BIGINT,
            HeapKind::Object => TAG_OBJECT,
        };
        Value(boxed(tag, address))
    }

    /// A slot's reference to the accessor pair in object cell `index` (see
    /// `crate::object::StoredSlot`; never handed to JavaScript).
    pub fn accessor_pair(index: u32) -> Value {
        Value(boxed(TAG_ACCESSOR_PAIR, u64::from(index)))
    }

    /// The object cell of an accessor pair reference made by [`Value::accessor_pair`].
    #[inline(always)]
    pub fn as_accessor_pair(self) -> Option<u32> {
        (self.0 & (BOX_PREFIX | TAG_MASK | LAZY_METHOD) == boxed(TAG_ACCESSOR_PAIR, 0))
            .then_some((self.0 & PAYLOAD_MASK) as u32)
    }

    /// A slot's stand-in for the built-in method numbered `index` of realm `realm`, not made
    /// yet (see `crate::object::StoredSlot::lazy_method`; never handed to JavaScript). `None`
    /// when the numbers do not fit (a realm past 2^31): the method is then made at once.
    pub fn lazy_method(realm: u32, index: u16) -> Option<Value> {
        (realm < 1 << 31).then(|| {
            let payload = LAZY_METHOD | u64::from(realm) << 16 | u64::from(index);
            Value(boxed(TAG_ACCESSOR_PAIR, payload))
        })
    }

    /// The realm and method number of a stand-in made by [`Value::lazy_method`].
    pub fn as_lazy_method(self) -> Option<(u32, u16)> {
        let lazy = boxed(TAG_ACCESSOR_PAIR, LAZY_METHOD);
        (self.0 & (BOX_PREFIX | TAG_MASK | LAZY_METHOD) == lazy).then(|| {
            let payload = self.0 & PAYLOAD_MASK & !LAZY_METHOD;
            ((payload >> 16) as u32, payload as u16)
        })
    }

    /// Whether this is a slot's reference to something else than a value: an accessor pair or
    /// a built-in method not made yet (one test: the tag).
    #[inline(always)]
    pub fn is_slot_reference(self) -> bool {
        self.0 & (BOX_PREFIX | TAG_MASK) == boxed(TAG_ACCESSOR_PAIR, 0)
    }

    /// The tag of a boxed value. Boxed values are exactly the bit patterns from
    /// `boxed(1, 0)` up (the prefix's 13 ones, then a non-zero tag), so one comparison tells a
    /// double from the rest, and the 16 bits over the payload name the tag.
    #[inline(always)]
    fn tag(self) -> Option<u64> {
        (self.0 >= FIRST_BOXED).then_some((self.0 & TAG_MASK) >> TAG_SHIFT)
    }

    /// Whether the value is boxed under `tag`: its top 16 bits are the prefix and the tag.
    #[inline(always)]
    const fn has_tag(self, tag: u64) -> bool {
        self.0 >> TAG_SHIFT == boxed(tag, 0) >> TAG_SHIFT
    }

    /// The 32-bit cell index of an object reference (or of an accessor pair, which is an
    /// object cell too: the collector marks it through the slot that holds it): tags 6 and 7
    /// are the values from `boxed(TAG_OBJECT, 0)` up.
    #[inline(always)]
    pub fn object_index(self) -> Option<u32> {
        (self.0 >= boxed(TAG_OBJECT, 0)).then_some(self.0 as u32)
    }

    /// The 32-bit cell index of a string reference.
    #[inline(always)]
    pub fn string_index(self) -> Option<u32> {
        self.has_tag(TAG_STRING).then_some(self.0 as u32)
    }

    pub fn unbox(self) -> Unboxed {
        let payload = self.0 & PAYLOAD_MASK;
        match self.tag() {
            None => Unboxed::Number(f64::from_bits(self.0)),
            Some(TAG_SPECIAL) => match payload {
                0 => Unboxed::Undefined,
                1 => Unboxed::Null,
                2 | 3 => Unboxed::Boolean(payload == 3),
                _ => Unboxed::Hole,
            },
            Some(TAG_INT32) => Unboxed::Int32(payload as u32 as i32),
            Some(TAG_STRING) => Unboxed::Heap(HeapKind::String, payload),
            Some(TAG_SYMBOL) => Unboxed::Heap(HeapKind::Symbol, payload),
            Some(TAG_BIGINT) => Unboxed::Heap(HeapKind::BigInt, payload),
            // TAG_OBJECT, and TAG_ACCESSOR_PAIR, which only a slot's `StoredSlot` holds: its
            // readers ask `as_accessor_pair` first.
            Some(_) => Unboxed::Heap(HeapKind::Object, payload),
        }
    }

    pub fn is_hole(self) -> bool {
        self == Value::HOLE
    }

    pub fn as_bool(self) -> Option<bool> {
        if self == Value::TRUE {
            Some(true)
        } else if self == Value::FALSE {
            Some(false)
        } else {
            None
        }
    }

    pub fn is_undefined(self) -> bool {
        self == Value::UNDEFINED
    }

    pub fn is_null(self) -> bool {
        self == Value::NULL
    }

    /// `undefined` or `null`.
    pub fn is_nullish(self) -> bool {
        self == Value::UNDEFINED || self == Value::NULL
    }

    #[inline(always)]
    pub fn as_int32(self) -> Option<i32> {
        self.has_tag(TAG_INT32).then_some(self.0 as u32 as i32)
    }

    /// The Number, in either form.
    pub fn as_number(self) -> Option<f64> {
        match self.unbox() {
            Unboxed::Int32(i) => Some(f64::from(i)),
            Unboxed::Number(n) => Some(n),
            _ => None,
        }
    }

    #[inline(always)]
    pub fn is_number(self) -> bool {
        self.0 < FIRST_BOXED || self.has_tag(TAG_INT32)
    }

    /// The heap cell this value refers to, if any.
    pub fn as_heap(self) -> Option<(HeapKind, u64)> {
        match self.unbox() {
            Unboxed::Heap(kind, address) => Some((kind, address)),
            _ => None,
        }
    }

    /// The raw bits, for hashing and for the GC's root scanning.
    pub fn to_bits(self) -> u64 {
        self.0
    }
}

impl Default for Value {
    fn default() -> Self {
        Value::UNDEFINED
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unbox() {
            Unboxed::Undefined => write!(f, "undefined"),
            Unboxed::Null => write!(f, "null"),
            Unboxed::Boolean(b) => write!(f, "{b}"),
            Unboxed::Int32(i) => write!(f, "{i}"),
            Unboxed::Number(n) => write!(f, "{n:?}"),
            Unboxed::Heap(kind, address) => write!(f, "{kind:?}@{address:#x}"),
            Unboxed::Hole => write!(f, "<hole>"),
        }
    }
}

// The representation is the point of this module: keep it one word.
const _: () = assert!(size_of::<Value>() == 8);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specials_and_booleans() {
        assert_eq!(Value::UNDEFINED.unbox(), Unboxed::Undefined);
        assert_eq!(Value::NULL.unbox(), Unboxed::Null);
        assert_eq!(Value::boolean(true).unbox(), Unboxed::Boolean(true));
        assert_eq!(Value::boolean(false).unbox(), Unboxed::Boolean(false));
        assert!(
            Value::NULL.is_nullish() && Value::UNDEFINED.is_nullish() && !Value::FALSE.is_nullish()
        );
    }

    #[test]
    fn numbers_round_trip_and_take_the_int32_form_when_exact() {
        for i in [0, 1, -1, i32::MIN, i32::MAX] {
            assert_eq!(Value::number(f64::from(i)).unbox(), Unboxed::Int32(i));
            assert_eq!(Value::int32(i).as_number(), Some(f64::from(i)));
        }
        let neg_zero = Value::number(-0.0);
        assert!(matches!(neg_zero.unbox(), Unboxed::Number(n) if n == 0.0 && n.is_sign_negative()));
        for n in [
            0.5,
            -1.5,
            1e300,
            -1e-300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            2147483648.0,
        ] {
            assert_eq!(Value::number(n).as_number(), Some(n), "{n}");
            assert!(Value::number(n).is_number());
        }
    }

    #[test]
    fn every_nan_is_one_value() {
        let nans = [
            f64::NAN,
            -f64::NAN,
            f64::from_bits(0x7FF0_0000_0000_0001),
            f64::from_bits(0xFFFF_FFFF_FFFF_FFFF),
        ];
        for n in nans {
            let v = Value::number(n);
            assert_eq!(v.to_bits(), CANONICAL_NAN);
            assert!(matches!(v.unbox(), Unboxed::Number(x) if x.is_nan()));
        }
    }

    #[test]
    fn heap_references_keep_kind_and_address() {
        for kind in [
            HeapKind::String,
            HeapKind::Symbol,
            HeapKind::BigInt,
            HeapKind::Object,
        ] {
            for address in [0x10u64, 0x7FFF_FFFF_FFF8, 0x5555_5555_0000] {
                let v = Value::heap(kind, address);
                assert_eq!(v.unbox(), Unboxed::Heap(kind, address));
                assert!(!v.is_number());
            }
        }
    }

    #[test]
    fn accessor_pair_references_are_neither_numbers_nor_other_references() {
        let v = Value::accessor_pair(0x1234);
        assert_eq!(v.as_accessor_pair(), Some(0x1234));
        assert!(!v.is_number());
        for other in [
            Value::UNDEFINED,
            Value::int32(-1),
            Value::double(-f64::NAN),
            Value::double(f64::from_bits(0xFFFF_FFFF_FFFF_FFFF)),
            Value::heap(HeapKind::Object, 0x1234),
        ] {
            assert_eq!(other.as_accessor_pair(), None, "{other:?}");
        }
    }

    #[test]
    fn no_double_collides_with_a_boxed_value() {
        // Doubles other than NaN never have the box prefix with a non-zero tag.
        for bits in [
            0u64,
            0x8000_0000_0000_0000,
            0x7FF0_0000_0000_0000,
            0xFFF0_0000_0000_0000,
            BOX_PREFIX,
        ] {
            let v = Value::double(f64::from_bits(bits));
            assert!(matches!(v.unbox(), Unboxed::Number(_)), "{bits:#x}");
        }
    }
}
