function storm() { return Promise.resolve().then(() => { storm(); storm(); }); }
export default { async fetch() { storm(); await new Promise(() => {}); } };
