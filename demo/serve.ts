// `npm run demo`: serves the built page (demo/dist by default) on http://127.0.0.1:PORT and prints the
// address. WebGPU needs a secure context, which a page on 127.0.0.1 is; any static server would do as well.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.map': 'application/json',
  '.md': 'text/plain; charset=utf-8',
};

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8080' }, dir: { type: 'string', default: 'demo/dist' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log('usage: npm run demo [-- --port N (default 8080; 0 picks a free one)] [--dir FOLDER (default demo/dist)]');
  process.exit(0);
}
const root = resolve(values.dir!);
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`demo: --port ${values.port} is not a port number (0 to 65535)`);
  process.exit(1);
}
try {
  statSync(join(root, 'index.html'));
} catch {
  console.error(`demo: ${root} holds no index.html; build the page first with npm run demo:build`);
  process.exit(1);
}

const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
  const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
  // Nothing outside the folder is served.
  const inside = file === root || file.startsWith(root + sep);
  let size = -1;
  try {
    if (inside) size = statSync(file).isFile() ? statSync(file).size : -1;
  } catch {
    size = -1;
  }
  if (size < 0) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
    return;
  }
  response.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': 'no-cache',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
});
server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(error.code === 'EADDRINUSE' ? `demo: port ${port} is taken; choose another with npm run demo -- --port N` : `demo: ${error.message}`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  console.log(`deepinside demo: http://127.0.0.1:${bound}/ (serving ${root}; Ctrl-C stops it)`);
});
