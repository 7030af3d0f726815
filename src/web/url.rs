//! The natives of `URL` and `URLSearchParams`: WHATWG URL parsing and setters from the `url`
//! crate, and `application/x-www-form-urlencoded` both ways.

use kiln_interpreter::{JsResult, Value, Vm};

fn string_arg(vm: &mut Vm, args: &[Value], i: usize) -> JsResult<String> {
    let s = vm.to_string(args.get(i).copied().unwrap_or(Value::UNDEFINED))?;
    Ok(vm.rust_string(s))
}

/// `urlParse(input, base?)`: `[href, origin, protocol, username, password, host, hostname,
/// port, pathname, search, hash]`, or `null` when `input` (against `base`) is not a URL.
pub fn parse(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let input = string_arg(vm, args, 0)?;
    let base = match args.get(1) {
        Some(v) if !v.is_undefined() => Some(string_arg(vm, args, 1)?),
        _ => None,
    };
    let parsed = match base {
        Some(base) => url::Url::parse(&base).and_then(|b| b.join(&input)),
        None => url::Url::parse(&input),
    };
    match parsed {
        Ok(u) => Ok(components(vm, &u)),
        Err(_) => Ok(Value::NULL),
    }
}

/// The components `URL`'s getters return.
fn components(vm: &mut Vm, u: &url::Url) -> Value {
    let parts = [
        u.as_str().to_string(),
        u.origin().ascii_serialization(),
        url::quirks::protocol(u).to_string(),
        url::quirks::username(u).to_string(),
        url::quirks::password(u).to_string(),
        url::quirks::host(u).to_string(),
        url::quirks::hostname(u).to_string(),
        url::quirks::port(u).to_string(),
        url::quirks::pathname(u).to_string(),
        url::quirks::search(u).to_string(),
        url::quirks::hash(u).to_string(),
    ];
    let values: Vec<Value> = parts.iter().map(|p| vm.string(p)).collect();
    vm.new_array(values).value()
}

/// `urlSet(href, component, value)`: the components after the setter ran (a value the setter
/// rejects leaves the URL as it was, as the standard says).
pub fn set(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let href = string_arg(vm, args, 0)?;
    let component = string_arg(vm, args, 1)?;
    let value = string_arg(vm, args, 2)?;
    let Ok(mut u) = url::Url::parse(&href) else {
        return Ok(Value::NULL);
    };
    match component.as_str() {
        "href" => match url::Url::parse(&value) {
            Ok(new) => u = new,
            Err(_) => return Ok(Value::NULL),
        },
        "protocol" => {
            let _ = url::quirks::set_protocol(&mut u, &value);
        }
        "username" => {
            let _ = url::quirks::set_username(&mut u, &value);
        }
        "password" => {
            let _ = url::quirks::set_password(&mut u, &value);
        }
        "host" => {
            let _ = url::quirks::set_host(&mut u, &value);
        }
        "hostname" => {
            let _ = url::quirks::set_hostname(&mut u, &value);
        }
        "port" => {
            let _ = url::quirks::set_port(&mut u, &value);
        }
        "pathname" => url::quirks::set_pathname(&mut u, &value),
        "search" => url::quirks::set_search(&mut u, &value),
        "hash" => url::quirks::set_hash(&mut u, &value),
        _ => {}
    }
    Ok(components(vm, &u))
}

/// `formParse(string)`: `[name, value, name, value, ...]`.
pub fn form_parse(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let input = string_arg(vm, args, 0)?;
    let input = input.strip_prefix('?').unwrap_or(&input);
    let mut values = Vec::new();
    for (k, v) in url::form_urlencoded::parse(input.as_bytes()) {
        values.push(vm.string(&k));
        values.push(vm.string(&v));
    }
    Ok(vm.new_array(values).value())
}

/// `formSerialize([name, value, ...])`: the urlencoded string.
pub fn form_serialize(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let list = args.first().copied().unwrap_or(Value::UNDEFINED);
    let Some(o) = list.as_object() else {
        return Ok(vm.string(""));
    };
    let length_key = vm.key("length");
    let length = vm.get(o, length_key, list)?.as_number().unwrap_or(0.0) as u32;
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    let mut i = 0;
    while i + 1 < length {
        let k = vm.get(o, kiln_interpreter::object::PropertyKey::Index(i), list)?;
        let v = vm.get(o, kiln_interpreter::object::PropertyKey::Index(i + 1), list)?;
        let (ks, vs) = (vm.to_string(k)?, vm.to_string(v)?);
        let (k, v) = (vm.rust_string(ks), vm.rust_string(vs));
        serializer.append_pair(&k, &v);
        i += 2;
    }
    let text = serializer.finish();
    Ok(vm.string(&text))
}
