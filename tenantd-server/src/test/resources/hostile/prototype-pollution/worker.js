Object.prototype.polluted = "yes";
Array.prototype.map = function () { return ["hijacked"]; };
JSON.stringify = () => "hijacked";
String.prototype.split = () => ["hijacked"];
export default { fetch() { return new Response("polluted my own isolate"); } };
