//! `Iterator.zip` and `Iterator.zipKeyed` (proposal-joint-iteration) and the IteratorZip
//! closure they share, which runs as an iterator helper (`HelperKind::Zip`) from one yield to
//! the next.

use super::arg;
use super::iterator_helpers::{
    alloc_helper, get_iterator_flattenable, helper, step_done, string_is,
};
use crate::abstract_ops::iterators::{get_iterator, iterator_close_all, iterator_step_value};
use crate::heap::{ObjRef, Traced};
use crate::object::{PropertyKey, attrs, trace_key};
use crate::slots::HelperKind;
use crate::slots::{Zip, ZipMode};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};

impl Zip {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        for &(it, next) in &self.iters {
            out.push(Traced::Value(it));
            out.push(Traced::Value(next));
        }
        out.extend(self.padding.iter().map(|&v| Traced::Value(v)));
        for &key in self.keys.iter().flatten() {
            trace_key(key, out);
        }
    }

    pub fn payload_bytes(&self) -> usize {
        use crate::heap::buffer_bytes;
        buffer_bytes(self.iters.capacity() * size_of::<(Value, Value)>())
            + buffer_bytes(self.open.capacity())
            + buffer_bytes(self.padding.capacity() * size_of::<Value>())
            + self
                .keys
                .as_ref()
                .map_or(0, |k| buffer_bytes(k.capacity() * size_of::<PropertyKey>()))
    }

    /// openIters, in order.
    pub fn open_iterators(&self) -> Vec<Value> {
        self.iters
            .iter()
            .zip(&self.open)
            .filter(|&(_, &open)| open)
            .map(|(&(it, _), _)| it)
            .collect()
    }

    fn name(&self) -> &'static str {
        if self.keys.is_some() {
            "Iterator.zipKeyed"
        } else {
            "Iterator.zip"
        }
    }
}

/// The iterators of `records`, for IteratorCloseAll.
fn iterators_of(records: &[(Value, Value)]) -> Vec<Value> {
    records.iter().map(|&(it, _)| it).collect()
}

/// IfAbruptCloseIterators ( value, iteratorRecords ): `Err(e)` closes every record, last
/// first, and is the error (unless closing ends in a termination).
fn close_all_with(vm: &mut Vm, records: &[(Value, Value)], e: JsError) -> JsError {
    match iterator_close_all(vm, &iterators_of(records), Err(e)) {
        Err(e) => e,
        Ok(()) => unreachable!("IteratorCloseAll keeps an abrupt completion"),
    }
}

/// Steps 1-7 of `Iterator.zip` and `Iterator.zipKeyed`: the iterables object, the mode, and
/// the padding option ("longest" only, undefined otherwise).
fn zip_arguments(vm: &mut Vm, args: &[Value], name: &str) -> JsResult<(ObjRef, ZipMode, Value)> {
    // 1. If iterables is not an Object, throw a TypeError exception.
    let iterables = arg(args, 0);
    let Some(iterables) = iterables.as_object() else {
        let d = vm.describe(iterables);
        return Err(vm.type_error(&format!("{name}: {d} is not an object")));
    };
    // 2. Set options to ? GetOptionsObject(options): an absent options object has no
    // properties, so the mode is "shortest" and no padding is read.
    let options = arg(args, 1);
    let options = match options.as_object() {
        Some(o) => o,
        None if options.is_undefined() => return Ok((iterables, ZipMode::Shortest, options)),
        None => {
            let d = vm.describe(options);
            return Err(vm.type_error(&format!(
                "{name}: the options must be an object or undefined, not {d}"
            )));
        }
    };
    // 3. Let mode be ? Get(options, "mode").
    let mode_key = vm.key("mode");
    let mode = vm.get(options, mode_key, options.value())?;
    // 4-5. Undefined is "shortest"; anything but the three strings is a TypeError.
    let mode = if mode.is_undefined() || string_is(vm, mode, "shortest") {
        ZipMode::Shortest
    } else if string_is(vm, mode, "longest") {
        ZipMode::Longest
    } else if string_is(vm, mode, "strict") {
        ZipMode::Strict
    } else {
        let d = vm.describe(mode);
        return Err(vm.type_error(&format!(
            "{name}: mode must be \"shortest\", \"longest\" or \"strict\", not {d}"
        )));
    };
    // 6. Let paddingOption be undefined.
    let mut padding = Value::UNDEFINED;
    // 7. If mode is "longest", then
    if mode == ZipMode::Longest {
        // a. Set paddingOption to ? Get(options, "padding").
        let padding_key = vm.key("padding");
        padding = vm.get(options, padding_key, options.value())?;
        // Read before the iterables are iterated, used after.
        vm.root(padding);
        // b. If paddingOption is neither undefined nor an Object, throw a TypeError.
        if !padding.is_undefined() && !padding.is_object() {
            let d = vm.describe(padding);
            return Err(vm.type_error(&format!(
                "{name}: padding must be an object or undefined, not {d}"
            )));
        }
    }
    Ok((iterables, mode, padding))
}

/// Iterator.zip ( iterables [ , options ] )
pub fn zip(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    // 1-7.
    let (iterables, mode, padding_option) = zip_arguments(vm, args, "Iterator.zip")?;
    // 8. Let iters be a new empty List.
    let mut iters: Vec<(Value, Value)> = Vec::new();
    // 10. Let inputIter be ? GetIterator(iterables, sync).
    let (input, input_next) = get_iterator(vm, iterables.value())?;
    vm.root(input);
    vm.root(input_next);
    // 11-12. Repeat, while next is not done,
    loop {
        // a-b. Set next to Completion(IteratorStepValue(inputIter));
        // IfAbruptCloseIterators(next, iters).
        let next = match iterator_step_value(vm, input, input_next) {
            Ok(next) => next,
            Err(e) => return Err(close_all_with(vm, &iters, e)),
        };
        // c. If next is not done, then
        let Some(next) = next else { break };
        // i. Let iter be Completion(GetIteratorFlattenable(next, reject-strings)).
        match get_iterator_flattenable(vm, next, false) {
            // iii. Append iter to iters.
            Ok((it, next)) => {
                vm.root(it);
                vm.root(next);
                iters.push((it, next));
            }
            // ii. IfAbruptCloseIterators(iter, the list-concatenation of « inputIter » and iters).
            Err(e) => {
                let mut all = vec![(input, input_next)];
                all.extend_from_slice(&iters);
                return Err(close_all_with(vm, &all, e));
            }
        }
    }
    // 13. Let iterCount be the number of elements in iters.
    let count = iters.len();
    // 9. Let padding be a new empty List.
    let mut padding = Vec::new();
    // 14. If mode is "longest", then
    if mode == ZipMode::Longest {
        if padding_option.is_undefined() {
            // a. Append undefined to padding iterCount times.
            padding = vec![Value::UNDEFINED; count];
        } else {
            // b.i-ii. Let paddingIter be Completion(GetIterator(paddingOption, sync));
            // IfAbruptCloseIterators(paddingIter, iters).
            let (padding_iter, padding_next) = match get_iterator(vm, padding_option) {
                Ok(record) => record,
                Err(e) => return Err(close_all_with(vm, &iters, e)),
            };
            vm.root(padding_iter);
            vm.root(padding_next);
            // iii. Let usingIterator be true.
            let mut using_iterator = true;
            // iv. Perform the following steps iterCount times:
            for _ in 0..count {
                // 1. If usingIterator is true, then
                if using_iterator {
                    // a-b. Set next to Completion(IteratorStepValue(paddingIter));
                    // IfAbruptCloseIterators(next, iters).
                    match iterator_step_value(vm, padding_iter, padding_next) {
                        // d. Else, append next to padding.
                        Ok(Some(v)) => {
                            vm.root(v);
                            padding.push(v);
                        }
                        // c. If next is done, set usingIterator to false.
                        Ok(None) => using_iterator = false,
                        Err(e) => return Err(close_all_with(vm, &iters, e)),
                    }
                }
                // 2. If usingIterator is false, append undefined to padding.
                if !using_iterator {
                    padding.push(Value::UNDEFINED);
                }
            }
            // v. If usingIterator is true, then
            if using_iterator {
                // 1-2. Let completion be Completion(IteratorClose(paddingIter,
                // NormalCompletion(unused))); IfAbruptCloseIterators(completion, iters).
                if let Err(e) = iterator_close_all(vm, &[padding_iter], Ok(())) {
                    return Err(close_all_with(vm, &iters, e));
                }
            }
        }
    }
    // 15-16. Return IteratorZip(iters, mode, padding, finishResults), finishResults making an
    // array.
    Ok(iterator_zip(vm, iters, mode, padding, None))
}

/// Iterator.zipKeyed ( iterables [ , options ] )
pub fn zip_keyed(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    // 1-7.
    let (iterables, mode, padding_option) = zip_arguments(vm, args, "Iterator.zipKeyed")?;
    // 8. Let iters be a new empty List.
    let mut iters: Vec<(Value, Value)> = Vec::new();
    // 10. Let allKeys be ? iterables.[[OwnPropertyKeys]]().
    let all_keys = vm.own_property_keys(iterables)?;
    // A getter or a proxy trap may delete them: rooted, their atoms stay.
    vm.root_keys(&all_keys);
    // 11. Let keys be a new empty List.
    let mut keys = Vec::new();
    // 12. For each element key of allKeys, do
    for &key in &all_keys {
        // a-b. Let desc be Completion(iterables.[[GetOwnProperty]](key));
        // IfAbruptCloseIterators(desc, iters).
        let desc = match vm.get_own_property(iterables, key) {
            Ok(desc) => desc,
            Err(e) => return Err(close_all_with(vm, &iters, e)),
        };
        // c. If desc is not undefined and desc.[[Enumerable]] is true, then
        if desc.is_none_or(|d| d.attrs & attrs::ENUMERABLE == 0) {
            continue;
        }
        // i-ii. Let value be Completion(Get(iterables, key)); IfAbruptCloseIterators.
        let value = match vm.get(iterables, key, iterables.value()) {
            Ok(value) => value,
            Err(e) => return Err(close_all_with(vm, &iters, e)),
        };
        // iii. If value is not undefined, then
        if value.is_undefined() {
            continue;
        }
        // 1-2. Let iter be Completion(GetIteratorFlattenable(value, reject-strings));
        // IfAbruptCloseIterators(iter, iters).
        match get_iterator_flattenable(vm, value, false) {
            // 3-4. Append key to keys; append iter to iters.
            Ok((it, next)) => {
                vm.root(it);
                vm.root(next);
                keys.push(key);
                iters.push((it, next));
            }
            Err(e) => return Err(close_all_with(vm, &iters, e)),
        }
    }
    // 13. Let iterCount be the number of elements in iters.
    let count = iters.len();
    // 9. Let padding be a new empty List.
    let mut padding = Vec::new();
    // 14. If mode is "longest", then
    if mode == ZipMode::Longest {
        match padding_option.as_object() {
            // a. Append undefined to padding iterCount times.
            None => padding = vec![Value::UNDEFINED; count],
            // b. For each element key of keys, do
            Some(padding_option) => {
                for &key in &keys {
                    // 1-2. Let value be Completion(Get(paddingOption, key));
                    // IfAbruptCloseIterators(value, iters).
                    match vm.get(padding_option, key, padding_option.value()) {
                        // 3. Append value to padding.
                        Ok(v) => {
                            vm.root(v);
                            padding.push(v);
                        }
                        Err(e) => return Err(close_all_with(vm, &iters, e)),
                    }
                }
            }
        }
    }
    // 15-16. Return IteratorZip(iters, mode, padding, finishResults), finishResults making a
    // null-prototype object with the keys.
    Ok(iterator_zip(vm, iters, mode, padding, Some(keys)))
}

/// IteratorZip ( iters, mode, padding, finishResults ): the Iterator Helper over the closure
/// (`zip_step`), with openIters, a copy of iters, as its [[UnderlyingIterators]].
fn iterator_zip(
    vm: &mut Vm,
    iters: Vec<(Value, Value)>,
    mode: ZipMode,
    padding: Vec<Value>,
    keys: Option<Vec<PropertyKey>>,
) -> Value {
    let open = vec![true; iters.len()];
    let state = Zip {
        mode,
        iters,
        open,
        padding,
        keys,
    };
    alloc_helper(
        vm,
        HelperKind::Zip(Box::new(state)),
        Value::UNDEFINED,
        Value::UNDEFINED,
    )
}

fn zip_state(vm: &mut Vm, h: ObjRef) -> &mut Zip {
    match &mut helper(vm, h).kind {
        HelperKind::Zip(z) => z,
        _ => unreachable!("a zip helper"),
    }
}

/// Removes iters[i] from openIters and closes the others with `completion` (IteratorCloseAll).
fn close_others(vm: &mut Vm, h: ObjRef, i: usize, completion: JsResult<()>) -> JsResult<()> {
    let z = zip_state(vm, h);
    z.open[i] = false;
    let open = z.open_iterators();
    iterator_close_all(vm, &open, completion)
}

/// IteratorZip's closure (step 3), from one yield to the next: the next results, or `None`
/// once it returns.
pub(super) fn zip_step(vm: &mut Vm, h: ObjRef) -> JsResult<Option<Value>> {
    let (count, mode) = {
        let z = zip_state(vm, h);
        (z.iters.len(), z.mode)
    };
    // a. If iterCount = 0, return ReturnCompletion(undefined).
    if count == 0 {
        return Ok(None);
    }
    // b. Repeat (one round per call; the yield is the caller's):
    // i. Let results be a new empty List.
    let mut results = Vec::with_capacity(count);
    // iii. For each integer i such that 0 ≤ i < iterCount, in ascending order, do
    for i in 0..count {
        let (iter, open) = {
            let z = zip_state(vm, h);
            (z.iters[i], z.open[i])
        };
        // 2. If iter is null (only in "longest" mode), let result be padding[i].
        let result = if !open {
            zip_state(vm, h).padding[i]
        } else {
            // 3.a. Let result be Completion(IteratorStepValue(iter)).
            match iterator_step_value(vm, iter.0, iter.1) {
                // c. Set result to ! result.
                Ok(Some(v)) => v,
                // b. If result is an abrupt completion, remove iter from openIters and
                // return ? IteratorCloseAll(openIters, result).
                Err(e) => return close_others(vm, h, i, Err(e)).map(|()| None),
                // d. If result is done, then
                Ok(None) => match mode {
                    // i-ii. Remove iter from openIters; in "shortest" mode return ?
                    // IteratorCloseAll(openIters, ReturnCompletion(undefined)).
                    ZipMode::Shortest => {
                        close_others(vm, h, i, Ok(()))?;
                        return Ok(None);
                    }
                    // iii. Else if mode is "strict", then
                    ZipMode::Strict => {
                        strict_done(vm, h, i, count)?;
                        return Ok(None);
                    }
                    // iv. Else (mode is "longest"),
                    ZipMode::Longest => {
                        let z = zip_state(vm, h);
                        // i. (Remove iter from openIters.) iii. Set iters[i] to null.
                        z.open[i] = false;
                        // ii. If openIters is empty, return ReturnCompletion(undefined).
                        if !z.open.contains(&true) {
                            return Ok(None);
                        }
                        // iv. Set result to padding[i].
                        z.padding[i]
                    }
                },
            }
        };
        // 4. Append result to results.
        vm.root(result);
        results.push(result);
    }
    // iv. Set results to finishResults(results).
    // v-vi. Yield(results): a return while suspended closes openIters (`helper_return`).
    let keys = zip_state(vm, h).keys.clone();
    let Some(keys) = keys else {
        return Ok(Some(vm.new_array(results).value()));
    };
    // zipKeyed's finishResults: a. Let obj be OrdinaryObjectCreate(null).
    let obj = vm.new_object_with_proto(None);
    // b. For each integer i such that 0 ≤ i < iterCount, in ascending order,
    // perform ! CreateDataPropertyOrThrow(obj, keys[i], results[i]).
    for (&key, &value) in keys.iter().zip(&results) {
        vm.create_data_property_or_throw(obj, key, value)?;
    }
    Ok(Some(obj.value()))
}

/// Step 3.b.iii.3.d.iii of IteratorZip: iterator `i` is done in "strict" mode, so all must be.
fn strict_done(vm: &mut Vm, h: ObjRef, i: usize, count: usize) -> JsResult<()> {
    let name = zip_state(vm, h).name();
    // i. (Remove iter from openIters.) If i ≠ 0, return ? IteratorCloseAll(openIters,
    // ThrowCompletion(a newly created TypeError object)).
    if i != 0 {
        let error = vm.type_error(&format!(
            "{name}: iterator {i} is done before iterator 0 (mode \"strict\" needs the same \
             length)"
        ));
        return close_others(vm, h, i, Err(error));
    }
    zip_state(vm, h).open[i] = false;
    // ii. For each integer k such that 1 ≤ k < iterCount, in ascending order, do
    for k in 1..count {
        let (it, next) = zip_state(vm, h).iters[k];
        // i. Let open be Completion(IteratorStep(iters[k])).
        match step_done(vm, it, next) {
            // ii. If open is an abrupt completion, remove iters[k] from openIters and
            // return ? IteratorCloseAll(openIters, open).
            Err(e) => return close_others(vm, h, k, Err(e)),
            // iv. If open is done, remove iters[k] from openIters.
            Ok(true) => zip_state(vm, h).open[k] = false,
            // v. Else, return ? IteratorCloseAll(openIters, ThrowCompletion(a TypeError)).
            Ok(false) => {
                let error = vm.type_error(&format!(
                    "{name}: iterator 0 is done but iterator {k} is not (mode \"strict\" \
                     needs the same length)"
                ));
                let open = zip_state(vm, h).open_iterators();
                return iterator_close_all(vm, &open, Err(error));
            }
        }
    }
    // iii. Return ReturnCompletion(undefined).
    Ok(())
}
