//! `for`-`in` enumeration: the enumerable string keys along the prototype chain collected
//! up front, then handed out one by one, skipping those deleted before they are reached.

use crate::object::{ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

impl Vm {
    pub(crate) fn for_in_enumerate(&mut self, v: Value) -> JsResult<Value> {
        let mut keys = Vec::new();
        let mut visited = rustc_hash::FxHashSet::default();
        if !v.is_nullish() {
            // Traps run while the list grows: what it holds is rooted.
            self.handle_scope(|vm| {
                let mut o = Some(vm.to_object(v)?);
                while let Some(cur) = o {
                    vm.root(cur.value());
                    let own = vm.own_property_keys(cur)?;
                    vm.root_keys(&own);
                    for key in own {
                        if let PropertyKey::Symbol(_) = key {
                            continue;
                        }
                        if !visited.insert(key) {
                            continue;
                        }
                        if let Some(p) = vm.get_own_property(cur, key)?
                            && p.attrs & attrs::ENUMERABLE != 0
                        {
                            let kv = vm.key_value(key);
                            vm.root(kv);
                            keys.push((kv, cur));
                        }
                    }
                    o = vm.get_prototype_of(cur)?;
                }
                Ok(())
            })?;
        }
        let objects: Vec<Value> = keys.iter().map(|(_, o)| o.value()).collect();
        let mut all = Vec::with_capacity(keys.len() * 2);
        for ((k, _), o) in keys.iter().zip(objects) {
            all.push(*k);
            all.push(o);
        }
        let it = crate::object::ForInIterator {
            object: v,
            keys: all,
            visited: Default::default(),
            position: 0,
        };
        let o = self.alloc(crate::object::Object::new(
            None,
            ObjectKind::ForIn(Box::new(it)),
        ));
        Ok(o.value())
    }

    pub(crate) fn for_in_next(&mut self, it: Value) -> JsResult<Option<Value>> {
        let o = self.expect_object(it, "an enumerator")?;
        loop {
            let (key, holder) = match &mut self.obj_mut(o).kind {
                ObjectKind::ForIn(f) => {
                    if f.position + 1 >= f.keys.len() {
                        return Ok(None);
                    }
                    let k = f.keys[f.position];
                    let h = f.keys[f.position + 1];
                    f.position += 2;
                    (k, h)
                }
                _ => return Ok(None),
            };
            // A key deleted before it is reached is skipped.
            let holder = self.expect_object(holder, "a holder")?;
            let pk = self.to_property_key(key)?;
            if self.get_own_property(holder, pk)?.is_some() {
                return Ok(Some(key));
            }
        }
    }
}
