/**
 * The ceiling: a minimal Node HTTP server that reads the body, JSON.parses it and answers 200
 * `{"success":true}` on any path. Same machine, same generator, same traffic: what Tessera reaches
 * relative to this is the cost of everything Tessera does beyond parsing (auth, validation,
 * identity resolution, profiles, a durable commit).
 *
 * Run: node --import tsx bench/baseline-server.ts <port>
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 8790);
const answer = Buffer.from('{"success":true}');

const server = createServer({ keepAliveTimeout: 120_000 }, (request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      response.writeHead(400, { 'content-type': 'application/json', 'content-length': 17 }).end('{"success":false}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length }).end(answer);
  });
});

server.listen(port, '127.0.0.1', () => process.stdout.write(`baseline listening on ${port}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
