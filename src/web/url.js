// URL and URLSearchParams (WHATWG URL), over the `url` crate.
(function (natives, global) {
  'use strict';
  const { urlParse, urlSet, formParse, formSerialize } = natives;
  const HREF = 0, ORIGIN = 1, PROTOCOL = 2, USERNAME = 3, PASSWORD = 4, HOST = 5;
  const HOSTNAME = 6, PORT = 7, PATHNAME = 8, SEARCH = 9, HASH = 10;

  function invalid(input) {
    const e = new TypeError('Invalid URL');
    Object.defineProperty(e, 'code', { value: 'ERR_INVALID_URL', writable: true, configurable: true });
    e.input = input;
    return e;
  }
  function parse(url, base) {
    return urlParse(`${url}`, base === undefined ? undefined : `${base}`);
  }

  // Set by the classes' static blocks: how a URL and its searchParams update each other.
  let setQueryFromParams;
  let replaceParamsList;
  let attachUrl;

  class URL {
    #parts;
    #params = null;
    constructor(url, base = undefined) {
      if (arguments.length === 0) throw new TypeError('The "url" argument must be specified');
      const parts = parse(url, base);
      if (parts === null) throw invalid(`${url}`);
      this.#parts = parts;
    }
    static canParse(url, base = undefined) { return parse(url, base) !== null; }
    static parse(url, base = undefined) {
      return parse(url, base) === null ? null : new URL(url, base);
    }
    static {
      setQueryFromParams = (url, query) => {
        url.#parts = urlSet(url.#parts[HREF], 'search', query) ?? url.#parts;
      };
    }
    #set(component, value) {
      const parts = urlSet(this.#parts[HREF], component, `${value}`);
      if (parts === null) throw invalid(`${value}`);
      this.#parts = parts;
      if (this.#params !== null && (component === 'search' || component === 'href')) {
        replaceParamsList(this.#params, parts[SEARCH]);
      }
    }
    get href() { return this.#parts[HREF]; }
    set href(v) { this.#set('href', v); }
    get origin() { return this.#parts[ORIGIN]; }
    get protocol() { return this.#parts[PROTOCOL]; }
    set protocol(v) { this.#set('protocol', v); }
    get username() { return this.#parts[USERNAME]; }
    set username(v) { this.#set('username', v); }
    get password() { return this.#parts[PASSWORD]; }
    set password(v) { this.#set('password', v); }
    get host() { return this.#parts[HOST]; }
    set host(v) { this.#set('host', v); }
    get hostname() { return this.#parts[HOSTNAME]; }
    set hostname(v) { this.#set('hostname', v); }
    get port() { return this.#parts[PORT]; }
    set port(v) { this.#set('port', v); }
    get pathname() { return this.#parts[PATHNAME]; }
    set pathname(v) { this.#set('pathname', v); }
    get search() { return this.#parts[SEARCH]; }
    set search(v) { this.#set('search', v); }
    get hash() { return this.#parts[HASH]; }
    set hash(v) { this.#set('hash', v); }
    get searchParams() {
      if (this.#params === null) {
        this.#params = new URLSearchParams(this.#parts[SEARCH]);
        attachUrl(this.#params, this);
      }
      return this.#params;
    }
    toString() { return this.#parts[HREF]; }
    toJSON() { return this.#parts[HREF]; }
    get [Symbol.toStringTag]() { return 'URL'; }
    // As Node shows a URL: its components, searchParams among them.
    [Symbol.for('nodejs.util.inspect.custom')](depth) {
      if (typeof depth === 'number' && depth < 0) return '[URL]';
      const shown = Object.create({ constructor: URL });
      for (const key of ['href', 'origin', 'protocol', 'username', 'password', 'host',
        'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash']) {
        shown[key] = this[key];
      }
      return shown;
    }
  }

  class URLSearchParams {
    #list = [];
    #url = null;
    constructor(init = '') {
      if (init !== null && (typeof init === 'object' || typeof init === 'function')) {
        const iterator = init[Symbol.iterator];
        if (iterator !== undefined) {
          if (typeof iterator !== 'function') throw new TypeError('Query pairs must be iterable');
          for (const pair of init) {
            const items = [...pair];
            if (items.length !== 2) {
              throw new TypeError('Each query pair must be an iterable [name, value] tuple');
            }
            this.#list.push([`${items[0]}`, `${items[1]}`]);
          }
        } else {
          for (const key of Reflect.ownKeys(init)) {
            const desc = Reflect.getOwnPropertyDescriptor(init, key);
            if (typeof key === 'string' && desc !== undefined && desc.enumerable) {
              this.#list.push([key, `${init[key]}`]);
            }
          }
        }
      } else {
        this.#parse(`${init}`);
      }
    }
    static {
      replaceParamsList = (params, query) => { params.#list = []; params.#parse(query); };
      attachUrl = (params, url) => { params.#url = url; };
    }
    #parse(query) {
      const flat = formParse(query);
      for (let i = 0; i < flat.length; i += 2) this.#list.push([flat[i], flat[i + 1]]);
    }
    #update() {
      if (this.#url !== null) setQueryFromParams(this.#url, this.toString());
    }
    get size() { return this.#list.length; }
    append(name, value) {
      this.#list.push([`${name}`, `${value}`]);
      this.#update();
    }
    delete(name, value = undefined) {
      const n = `${name}`;
      const v = value === undefined ? undefined : `${value}`;
      this.#list = this.#list.filter(([k, x]) => !(k === n && (v === undefined || x === v)));
      this.#update();
    }
    get(name) {
      const n = `${name}`;
      const found = this.#list.find(([k]) => k === n);
      return found === undefined ? null : found[1];
    }
    getAll(name) {
      const n = `${name}`;
      return this.#list.filter(([k]) => k === n).map(([, v]) => v);
    }
    has(name, value = undefined) {
      const n = `${name}`;
      const v = value === undefined ? undefined : `${value}`;
      return this.#list.some(([k, x]) => k === n && (v === undefined || x === v));
    }
    set(name, value) {
      const n = `${name}`;
      const i = this.#list.findIndex(([k]) => k === n);
      if (i < 0) {
        this.#list.push([n, `${value}`]);
      } else {
        this.#list[i][1] = `${value}`;
        this.#list = this.#list.filter(([k], j) => j <= i || k !== n);
      }
      this.#update();
    }
    sort() {
      // Stable, by UTF-16 code units of the names.
      this.#list = this.#list
        .map((pair, i) => [pair, i])
        .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j))
        .map(([pair]) => pair);
      this.#update();
    }
    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') {
        throw new TypeError('The "callback" argument must be of type function');
      }
      for (let i = 0; i < this.#list.length; i++) {
        const [k, v] = this.#list[i];
        Reflect.apply(callback, thisArg, [v, k, this]);
      }
    }
    *entries() {
      for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]];
    }
    *keys() {
      for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0];
    }
    *values() {
      for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1];
    }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return formSerialize(this.#list.flat()); }
    get [Symbol.toStringTag]() { return 'URLSearchParams'; }
    // As Node shows URLSearchParams: `URLSearchParams { 'name' => 'value', ... }`.
    [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
      const output = this.#list.map(([k, v]) => `${inspect(k)} => ${inspect(v)}`);
      const length = output.reduce((total, item) => total + item.length + 2, -2);
      if (length > 80) return `URLSearchParams {\n  ${output.join(',\n  ')} }`;
      if (output.length > 0) return `URLSearchParams { ${output.join(', ')} }`;
      return 'URLSearchParams {}';
    }
  }

  for (const c of [URL, URLSearchParams]) {
    Object.defineProperty(global, c.name, {
      value: c, writable: true, enumerable: false, configurable: true,
    });
  }
})
