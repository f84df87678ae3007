import pg from 'pg';
import { FrontendMessageCounter, startStatementCounter, StatementCounter } from './pg-counter';

describe('statement-counting relay', () => {
  let relay: StatementCounter;
  beforeAll(async () => {
    // the server's maintenance database: the relay needs a server, not the project's tables
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = '/postgres';
    relay = await startStatementCounter(url.toString());
  });
  afterAll(() => relay.close());

  it('counts simple and extended-protocol statements of every client, and passes the answers through', async () => {
    const pool = new pg.Pool({ connectionString: relay.url, max: 3 });
    try {
      // the connection's own start-up sends no statement
      await pool.query('SELECT 1');
      const before = relay.statements;
      const simple = await pool.query('SELECT 41 + 1 AS n');
      const extended = await pool.query('SELECT $1::int * 2 AS n', [21]);
      const named = await pool.query({ name: 'twice', text: 'SELECT $1::int * 2 AS n', values: [4] });
      const again = await pool.query({ name: 'twice', text: 'SELECT $1::int * 2 AS n', values: [5] });
      await Promise.all([1, 2, 3].map((i) => pool.query('SELECT $1::int AS n', [i])));
      expect([simple, extended, named, again].map((r) => r.rows[0].n)).toEqual([42, 42, 8, 10]);
      expect(relay.statements - before).toBe(7);
    } finally {
      await pool.end();
    }
  });

  it('counts messages split across and packed into chunks alike', () => {
    const msg = (type: string, body: Buffer) => {
      const head = Buffer.alloc(5);
      head.write(type, 0, 'latin1');
      head.writeInt32BE(4 + body.length, 1);
      return Buffer.concat([head, body]);
    };
    const startup = Buffer.alloc(8 + 5);
    startup.writeInt32BE(13, 0);
    startup.writeInt32BE(196608, 4);
    const ssl = Buffer.alloc(8);
    ssl.writeInt32BE(8, 0);
    ssl.writeInt32BE(80877103, 4);
    const stream = Buffer.concat([
      ssl,
      startup,
      msg('p', Buffer.from('secret\0')), // password: not a statement
      msg('Q', Buffer.from('SELECT 1\0')),
      msg('P', Buffer.from('\0SELECT $1\0\0\0')),
      msg('B', Buffer.alloc(10)),
      msg('E', Buffer.from('\0\0\0\0\0')),
      msg('S', Buffer.alloc(0)),
      // a Query whose text holds the bytes of an Execute message must count once
      msg('Q', Buffer.from("SELECT 'E\0\0\0\x04'\0")),
    ]);
    const whole = new FrontendMessageCounter();
    whole.push(stream);
    const bytewise = new FrontendMessageCounter();
    for (let i = 0; i < stream.length; i++) bytewise.push(stream.subarray(i, i + 1));
    expect(whole.statements).toBe(3);
    expect(bytewise.statements).toBe(3);
  });
});
