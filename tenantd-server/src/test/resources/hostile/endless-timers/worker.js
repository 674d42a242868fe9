export default { fetch() {
  setInterval(() => { for (let i = 0; i < 100000; i++) {} }, 0);
  const again = () => setTimeout(again, 0);
  again();
  return new Response("timers started");
} };
