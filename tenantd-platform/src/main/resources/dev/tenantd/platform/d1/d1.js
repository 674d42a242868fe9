// D1: env.DB of a d1 binding is a D1Database. Statements travel to the host as JSON,
// `query` with {statements: [{sql, params}]} (one transaction, all or nothing) and `exec`
// with {sql}. The answer to a query is, per statement, {columns, rows, meta}; a blob cell
// is {o, l}, a slice of the answer's bytes, which becomes an array of byte values here.
//
// Defined for others: nothing; it registers the wrapper for kind 'd1'.

const d1_key = Symbol('D1');

// D1's binding rules: numbers and strings as they are, booleans as 1/0, null, and bytes
// (an ArrayBuffer, a view, or an array of byte values) as a blob; nothing else.
function d1_bindValue(value) {
  const type = typeof value;
  if (type === 'number' || type === 'string') return value;
  if (type === 'boolean') return value ? 1 : 0;
  if (value === null) return null;
  if (type === 'object') {
    if (ArrayIsArray(value) && d1_isByteList(value)) return value;
    if (isArrayBuffer(value)) return d1_byteList(new Uint8Array(value));
    if (ArrayBufferIsView(value)) return d1_byteList(viewBytes(value));
  }
  const shown = type === 'symbol' ? SymbolPrototypeToString(value) : `${value}`;
  throw new Error(`D1_TYPE_ERROR: Type '${type}' not supported for value '${shown}'`);
}

function d1_isByteList(list) {
  for (let i = 0; i < list.length; i++) {
    const b = list[i];
    if (typeof b !== 'number' || !(b >= 0 && b < 256)) return false;
  }
  return true;
}

function d1_byteList(bytes) {
  const out = [];
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i];
  return out;
}

// Sends statements and gives back, per statement, {columns, rows, meta} with blobs as arrays of byte values.
async function d1_query(channel, statements) {
  const answer = await bindings_call(channel, 'query', JSONStringify({ statements }), null);
  const results = JSONParse(answer.text);
  const bytes = answer.bytes;
  for (let r = 0; r < results.length; r++) {
    const rows = results[r].rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      for (let c = 0; c < row.length; c++) {
        const cell = row[c];
        if (cell !== null && typeof cell === 'object') {
          // As D1 gives a BLOB to a worker: an array of its byte values.
          const list = [];
          for (let b = 0; b < cell.l; b++) list[b] = bytes[cell.o + b];
          row[c] = list;
        }
      }
    }
  }
  return results;
}

function d1_row(columns, cells) {
  const row = {};
  for (let c = 0; c < columns.length; c++) {
    if (columns[c] === '__proto__') {
      ObjectDefineProperty(row, '__proto__', { value: cells[c], writable: true, enumerable: true, configurable: true });
    } else {
      row[columns[c]] = cells[c];
    }
  }
  return row;
}

// What all(), run() and batch() give: {success, meta, results} with each row as an object.
function d1_objects(result) {
  const results = [];
  for (let i = 0; i < result.rows.length; i++) results[i] = d1_row(result.columns, result.rows[i]);
  return { success: true, meta: result.meta, results };
}

let d1_statementParts;

class D1PreparedStatement {
  #channel;
  #sql;
  #params;

  constructor(key, channel, sql, params) {
    if (key !== d1_key) throw new TypeError('Illegal constructor');
    this.#channel = channel;
    this.#sql = sql;
    this.#params = params;
  }

  static {
    d1_statementParts = (statement) => (statement !== null && typeof statement === 'object' && #sql in statement)
      ? { channel: statement.#channel, sql: statement.#sql, params: statement.#params } : null;
  }

  get statement() {
    return this.#sql;
  }

  get params() {
    return copyList(this.#params);
  }

  bind(...values) {
    const params = [];
    for (let i = 0; i < values.length; i++) params[i] = d1_bindValue(values[i]);
    return new D1PreparedStatement(d1_key, this.#channel, this.#sql, params);
  }

  async #one() {
    const results = await d1_query(this.#channel, [{ sql: this.#sql, params: this.#params }]);
    return results[0];
  }

  async first(column = undefined) {
    const result = await this.#one();
    if (result.rows.length === 0) return null;
    const row = d1_row(result.columns, result.rows[0]);
    if (column === undefined) return row;
    const name = webIdlToString(column, 'column');
    if (row[name] === undefined) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${name})`);
    return row[name];
  }

  async all() {
    return d1_objects(await this.#one());
  }

  async run() {
    return d1_objects(await this.#one());
  }

  async raw(options = undefined) {
    const result = await this.#one();
    const out = [];
    if (options?.columnNames) out[0] = copyList(result.columns);
    for (let i = 0; i < result.rows.length; i++) out[out.length] = result.rows[i];
    return out;
  }
}
webIdlClass(D1PreparedStatement);

async function d1_batch(channel, statements) {
  if (!ArrayIsArray(statements)) throw new TypeError('D1Database.batch() takes an array of prepared statements');
  const list = [];
  for (let i = 0; i < statements.length; i++) {
    const parts = d1_statementParts(statements[i]);
    if (parts === null) throw new TypeError(`batch(): item ${i} is not a statement made by prepare()`);
    if (parts.channel !== channel) throw new TypeError(`batch(): item ${i} was prepared on another database`);
    list[i] = { sql: parts.sql, params: parts.params };
  }
  if (list.length === 0) return [];
  const results = await d1_query(channel, list);
  const out = [];
  for (let i = 0; i < results.length; i++) out[i] = d1_objects(results[i]);
  return out;
}

// A session (read replication) reads from the one copy tenantd keeps, so it has no bookmark to follow.
class D1DatabaseSession {
  #channel;

  constructor(key, channel) {
    if (key !== d1_key) throw new TypeError('Illegal constructor');
    this.#channel = channel;
  }

  prepare(query) {
    requireArguments(arguments.length, 1, "Failed to execute 'prepare' on 'D1DatabaseSession'");
    return new D1PreparedStatement(d1_key, this.#channel, webIdlToString(query, 'query'), []);
  }

  async batch(statements) {
    return await d1_batch(this.#channel, statements);
  }

  getBookmark() {
    return null;
  }
}
webIdlClass(D1DatabaseSession);

class D1Database {
  #channel;

  constructor(key, channel) {
    if (key !== d1_key) throw new TypeError('Illegal constructor');
    this.#channel = channel;
  }

  prepare(query) {
    requireArguments(arguments.length, 1, "Failed to execute 'prepare' on 'D1Database'");
    return new D1PreparedStatement(d1_key, this.#channel, webIdlToString(query, 'query'), []);
  }

  async batch(statements) {
    return await d1_batch(this.#channel, statements);
  }

  async exec(query) {
    const sql = webIdlToString(query, 'query');
    const answer = await bindings_call(this.#channel, 'exec', JSONStringify({ sql }), null);
    return JSONParse(answer.text);
  }

  withSession(constraintOrBookmark = undefined) {
    return new D1DatabaseSession(d1_key, this.#channel);
  }

  async dump() {
    throw new Error('D1_DUMP_ERROR: dump() is not supported (D1 retired it too); read the tables with queries instead');
  }
}
webIdlClass(D1Database);

bindings_define('d1', (channel) => new D1Database(d1_key, channel));
