// console.log of arrays and typed arrays: Node's column grouping and line breaking.
console.log([1,2,3,4,5,6,7]);
console.log(["a","b","c","d","e","f","g"]);
console.log({a:[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28]});
console.log(new Uint8Array([104, 195, 169, 108, 108, 111, 32, 226, 130, 172, 240, 159, 152, 128]), new Uint8Array(0));
console.log(Array.from({length: 150}, (_, i) => i * 3));
console.log(['apple', 'banana', 'cherry', 'dates', 'elderberry', 'fig', 'grape', 'honeydew']);
console.log([1.5, -2, 300000, 4, 5, 6, 7, 8, 9, 10, 11n]);
console.log({ name: 'a fairly long string value', other: 'another long string value', third: 123 });
console.log({ name: 'a fairly long string value', other: 'another long string', t: 1 });
console.log([[1,2,3,4,5,6,7,8], {x: 1, y: [1,2,3,4,5,6,7]}]);
console.log(new Map([[1, 'one'], [2, 'two']]), new Set([1,2,3,4,5,6,7,8]));
console.log([1, 'a', 2, 'b', 3, 'c', 4, 'd']);
console.log(Array(10).fill('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'));
console.log([true, false, null, undefined, 1, 2, 3]);
console.log(new Float64Array([1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7]));
