// performance.now() and performance.timeOrigin (High Resolution Time).
(function (natives, global) {
  'use strict';
  const now = natives.now;
  const timeOrigin = natives.timeOrigin();
  class Performance {
    now() { return now(); }
    get timeOrigin() { return timeOrigin; }
    toJSON() { return { timeOrigin }; }
    get [Symbol.toStringTag]() { return 'Performance'; }
  }
  Object.defineProperty(global, 'Performance', {
    value: Performance, writable: true, enumerable: false, configurable: true,
  });
  Object.defineProperty(global, 'performance', {
    value: new Performance(), writable: true, enumerable: false, configurable: true,
  });
})
