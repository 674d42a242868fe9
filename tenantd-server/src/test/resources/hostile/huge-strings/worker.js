export default { fetch() { let s = "x"; for (;;) { s += s; } } };
