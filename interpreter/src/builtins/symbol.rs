//! 20.4 Symbol objects.

use super::arg;
use crate::heap::ObjRef;
use crate::object::{ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].symbol_prototype = proto;
    let ctor = vm.make_constructor("Symbol", 0, symbol_call, Some(symbol_construct), proto);
    vm.define_method(ctor, "for", 1, symbol_for);
    vm.define_method(ctor, "keyFor", 1, key_for);
    let w = &vm.agent.symbols;
    let well_known = [
        ("asyncDispose", w.async_dispose),
        ("asyncIterator", w.async_iterator),
        ("dispose", w.dispose),
        ("hasInstance", w.has_instance),
        ("isConcatSpreadable", w.is_concat_spreadable),
        ("iterator", w.iterator),
        ("match", w.match_),
        ("matchAll", w.match_all),
        ("metadata", w.metadata),
        ("replace", w.replace),
        ("search", w.search),
        ("species", w.species),
        ("split", w.split),
        ("toPrimitive", w.to_primitive),
        ("toStringTag", w.to_string_tag),
        ("unscopables", w.unscopables),
    ];
    for (name, s) in well_known {
        let key = vm.key(name);
        vm.define_data(ctor, key, s.value(), 0);
    }
    vm.define_method(proto, "toString", 0, to_string);
    vm.define_method(proto, "valueOf", 0, value_of);
    vm.define_getter(proto, "description", description);
    let tp = vm.agent.symbols.to_primitive;
    let f = vm.native_function("[Symbol.toPrimitive]", 1, value_of, None);
    vm.define_data(
        proto,
        PropertyKey::Symbol(tp),
        f.value(),
        attrs::CONFIGURABLE,
    );
    let tag = vm.agent.symbols.to_string_tag;
    let s = vm.string("Symbol");
    vm.define_data(proto, PropertyKey::Symbol(tag), s, attrs::CONFIGURABLE);
}

fn symbol_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let d = arg(args, 0);
    let description = if d.is_undefined() {
        Value::UNDEFINED
    } else {
        vm.to_string(d)?.value()
    };
    Ok(vm.new_symbol(description).value())
}

fn symbol_construct(vm: &mut Vm, _: &[Value], _: ObjRef) -> JsResult<Value> {
    Err(vm.type_error("Symbol is not a constructor"))
}

fn symbol_for(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let s = vm.to_string(arg(args, 0))?;
    let units = vm.units_checked(s)?.to_vec();
    if let Some(&sym) = vm.agent.symbol_registry.get(&units) {
        return Ok(sym.value());
    }
    let sym = vm.new_symbol(s.value());
    vm.agent.symbol_registry.insert(units, sym);
    Ok(sym.value())
}

fn key_for(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let Some(s) = arg(args, 0).as_symbol() else {
        return Err(vm.type_error("Symbol.keyFor: argument is not a symbol"));
    };
    if vm.agent.symbol_registry.values().any(|&r| r == s) {
        return Ok(vm.agent.heap.symbols.get(s.0).description);
    }
    Ok(Value::UNDEFINED)
}

/// 20.4.3 thisSymbolValue
fn this_symbol(vm: &mut Vm, this: Value) -> JsResult<crate::heap::SymRef> {
    if let Some(s) = this.as_symbol() {
        return Ok(s);
    }
    if let Some(o) = this.as_object()
        && let ObjectKind::Symbol(s) = vm.obj(o).kind
    {
        return Ok(s);
    }
    Err(vm.type_error("Symbol.prototype method called on incompatible receiver"))
}

pub fn descriptive_string(vm: &mut Vm, s: crate::heap::SymRef) -> String {
    let d = vm.agent.heap.symbols.get(s.0).description;
    match d.as_string() {
        Some(t) => format!("Symbol({})", vm.rust_string(t)),
        None => "Symbol()".to_string(),
    }
}

fn to_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let s = this_symbol(vm, this)?;
    let text = descriptive_string(vm, s);
    Ok(vm.string(&text))
}

fn value_of(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    Ok(this_symbol(vm, this)?.value())
}

fn description(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let s = this_symbol(vm, this)?;
    Ok(vm.agent.heap.symbols.get(s.0).description)
}
