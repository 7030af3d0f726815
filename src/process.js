// The parts of Node's `process` written in JavaScript: the events `exit` is emitted on
// (`on`, `once`, `off`, `emit`, ...). `process.rs` runs this on the first call of one of the
// methods and calls the function of the same name that it returns.
(function () {
  'use strict';
  const events = new Map();
  function listenersOf(event) {
    if (!events.has(event)) events.set(event, []);
    return events.get(event);
  }
  function check(listener) {
    if (typeof listener !== 'function') {
      const e = new TypeError('The "listener" argument must be of type function. Received ' +
        (listener === null ? 'null' : `type ${typeof listener}`));
      Object.defineProperty(e, 'code', { value: 'ERR_INVALID_ARG_TYPE', configurable: true });
      throw e;
    }
  }
  const methods = {
    on(event, listener) {
      check(listener);
      listenersOf(event).push({ listener, once: false });
      return this;
    },
    once(event, listener) {
      check(listener);
      listenersOf(event).push({ listener, once: true });
      return this;
    },
    off(event, listener) {
      const list = listenersOf(event);
      const i = list.findLastIndex((entry) => entry.listener === listener);
      if (i !== -1) list.splice(i, 1);
      return this;
    },
    removeAllListeners(event) {
      if (event === undefined) events.clear();
      else events.delete(event);
      return this;
    },
    emit(event, ...args) {
      const list = [...listenersOf(event)];
      for (const entry of list) {
        if (entry.once) this.off(event, entry.listener);
        Reflect.apply(entry.listener, this, args);
      }
      return list.length > 0;
    },
    listeners(event) {
      return listenersOf(event).map((entry) => entry.listener);
    },
    listenerCount(event) {
      return listenersOf(event).length;
    },
  };
  return methods;
})
