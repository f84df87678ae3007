/**
 * The baseline of the subscription benchmark: raw Redis pub/sub + ws fan-out with no GraphQL. One
 * Redis subscription; every message goes as-is to every connected WebSocket client.
 *   node dist/bench/cases-baseline-server.js <redisUrl> <channel>   (prints "port N")
 */
import { Redis } from 'ioredis';
import { WebSocketServer, WebSocket } from 'ws';

const [redisUrl, channel] = process.argv.slice(2);
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
const sub = new Redis(redisUrl);
void sub.subscribe(channel);
sub.on('message', (_c: string, message: string) => {
  for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(message);
});
wss.on('listening', () => {
  const a = wss.address();
  process.stdout.write(`port ${typeof a === 'object' && a ? a.port : String(a)}\n`);
});
process.once('SIGTERM', () => {
  wss.close();
  sub.disconnect();
  process.exit(0);
});
