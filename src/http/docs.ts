/** /openapi.yaml as it is, and an interactive API reference at /docs (Swagger UI, served locally). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { messages } from '../domain/errors.ts';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>orgs-mock — Organizations API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: '/openapi.yaml',
      dom_id: '#swagger-ui',
      deepLinking: true,
      persistAuthorization: true,
      // No call to swagger.io's online validator: nothing leaves the mock's origin.
      validatorUrl: 'none',
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
    });
  </script>
</body>
</html>
`;

export function docsRoutes(specPath: string): Hono {
  const docs = new Hono();
  const specText = readFileSync(specPath, 'utf8');
  const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets = new Map<string, Buffer>();

  docs.get('/openapi.yaml', (c) => c.body(specText, 200, { 'Content-Type': 'application/yaml; charset=utf-8' }));
  docs.get('/docs', (c) => c.html(PAGE));
  docs.get('/docs/assets/:file', (c) => {
    const file = c.req.param('file');
    // Own keys only: `constructor`, `__proto__` or `toString` are not assets.
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) return c.json({ error: { message: messages.resourceNotFound } }, 404);
    let content = assets.get(file);
    if (!content) assets.set(file, (content = readFileSync(join(assetDir, file))));
    return c.body(new Uint8Array(content), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
  return docs;
}
