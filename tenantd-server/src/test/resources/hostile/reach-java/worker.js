export default { fetch() {
  const names = ["java", "Java", "Packages", "javet", "__tenantd_host", "host", "entryPoints", "Deno", "Bun", "process", "require", "module", "Buffer"];
  return new Response(names.map((n) => n + "=" + typeof globalThis[n]).join(" "));
} };
