/**
 * /openapi.yaml as it is, and an interactive API reference at /docs (Swagger UI, served locally). The
 * Swagger UI files come from the edge that has them (src/node/docs-assets.ts reads swagger-ui-dist), read
 * on first request: starting the mock reads none of them.
 */
import { Hono } from 'hono';
import { messages } from '../domain/errors.ts';

/** Swagger UI's file of this name (one of ASSETS); undefined where there are none, as in a browser. */
export type DocsAssets = (file: string) => Promise<Uint8Array | undefined>;

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

export function docsRoutes(specText: string, readAsset?: DocsAssets): Hono {
  const docs = new Hono();
  const assets = new Map<string, Uint8Array>();

  docs.get('/openapi.yaml', (c) => c.body(specText, 200, { 'Content-Type': 'application/yaml; charset=utf-8' }));
  docs.get('/docs', (c) => c.html(PAGE));
  docs.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    // Own keys only: `constructor`, `__proto__` or `toString` are not assets.
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    let content = type ? assets.get(file) : undefined;
    if (type && !content && readAsset) {
      content = await readAsset(file);
      if (content) assets.set(file, content);
    }
    if (!type || !content) return c.json({ error: { message: messages.resourceNotFound } }, 404);
    return c.body(new Uint8Array(content), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
  return docs;
}
