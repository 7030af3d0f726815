// lineOffset and columnOffset must be int32s: ERR_OUT_OF_RANGE or ERR_INVALID_ARG_TYPE.
const vm = require('node:vm');
for (const v of [2 ** 31, -(2 ** 31) - 1, 1.5, NaN, Infinity, '1', null, 2 ** 31 - 1, -(2 ** 31)]) {
  for (const name of ['lineOffset', 'columnOffset']) {
    try {
      console.log(name, String(v), vm.runInNewContext('1', {}, { [name]: v }));
    } catch (e) {
      console.log(e.name, e.code, e.message);
    }
  }
}
