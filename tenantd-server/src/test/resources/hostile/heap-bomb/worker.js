export default { fetch() { const hoard = []; for (;;) { hoard.push({ payload: new Array(10000).fill("x".repeat(8)) }); } } };
