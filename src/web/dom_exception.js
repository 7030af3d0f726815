// DOMException (WebIDL), the error type of atob, btoa and structuredClone.
(function (natives, global) {
  'use strict';
  const codes = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4,
    InvalidCharacterError: 5, NoModificationAllowedError: 7, NotFoundError: 8,
    NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12,
    InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
    TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20,
    URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23,
    InvalidNodeTypeError: 24, DataCloneError: 25,
  };
  const names = new WeakMap();
  class DOMException extends Error {
    constructor(message = '', options = 'Error') {
      super(`${message}`);
      const name = options !== null && typeof options === 'object'
        ? ('name' in options ? `${options.name}` : 'Error')
        : `${options}`;
      names.set(this, name);
      // The stack's first line names the exception, as Node's does.
      const stack = this.stack;
      if (typeof stack === 'string') {
        const newline = stack.indexOf('\n');
        const frames = newline < 0 ? '' : stack.slice(newline);
        Object.defineProperty(this, 'stack', {
          value: `DOMException [${name}]: ${this.message}${frames}`,
          writable: true, configurable: true, enumerable: false,
        });
      }
    }
    get name() { return names.get(this) ?? 'Error'; }
    get code() { return codes[names.get(this)] ?? 0; }
    get [Symbol.toStringTag]() { return 'DOMException'; }
  }
  for (const [name, code] of Object.entries(codes)) {
    const constant = name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() + '_ERR';
    Object.defineProperty(DOMException, constant, { value: code, enumerable: true });
    Object.defineProperty(DOMException.prototype, constant, { value: code, enumerable: true });
  }
  Object.defineProperty(global, 'DOMException', {
    value: DOMException, writable: true, enumerable: false, configurable: true,
  });
})
