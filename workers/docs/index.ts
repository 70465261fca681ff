/**
 * GET /v1/docs: the interactive API reference (Swagger UI), served entirely from this Worker. Its
 * script and stylesheet are the files of the pinned `swagger-ui-dist` package, bundled as text
 * modules (wrangler.toml [[rules]]), so no third-party origin ever runs code on the UI's origin
 * (the Pages Function proxies /v1 there). The page names each asset with its SRI hash and carries a
 * Content-Security-Policy that allows scripts from this origin only.
 */
import { z } from "@hono/zod-openapi";
import swaggerUiCss from "swagger-ui-dist/swagger-ui.css";
import swaggerUiBundle from "swagger-ui-dist/swagger-ui-bundle.js";
import { createRouter, jsonResponse } from "../lib/app";
import { publicRoute } from "../lib/routes";

// validatorUrl: null, or Swagger UI would send the document to an online validator.
const INIT = `window.ui = SwaggerUIBundle({
  url: "/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;

type Asset = { path: string; type: string; body: string };

export const DOCS_ASSETS: Record<string, Asset> = {
  "swagger-ui-bundle.js": { path: "/v1/docs/swagger-ui-bundle.js", type: "text/javascript; charset=utf-8", body: swaggerUiBundle },
  "swagger-ui.css": { path: "/v1/docs/swagger-ui.css", type: "text/css; charset=utf-8", body: swaggerUiCss },
  "init.js": { path: "/v1/docs/init.js", type: "text/javascript; charset=utf-8", body: INIT },
};

/** The page's policy: everything from this origin, no inline script, no eval, no framing. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

async function sri(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-384", new TextEncoder().encode(text)));
  let binary = "";
  for (const byte of digest) binary += String.fromCharCode(byte);
  return `sha384-${btoa(binary)}`;
}

let page: Promise<string> | undefined;

/** Built once per isolate: hashing the 1.7 MB bundle takes a few milliseconds. */
function docsPage(): Promise<string> {
  page ??= (async () => {
    const [bundle, css, init] = await Promise.all([sri(swaggerUiBundle), sri(swaggerUiCss), sri(INIT)]);
    return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Edge Fintech API</title>
    <link rel="stylesheet" href="${DOCS_ASSETS["swagger-ui.css"]!.path}" integrity="${css}" />
  </head>
  <body>
    <noscript>The reference needs JavaScript; the OpenAPI document is <a href="/v1/openapi.json">/v1/openapi.json</a>.</noscript>
    <div id="swagger-ui"></div>
    <script src="${DOCS_ASSETS["swagger-ui-bundle.js"]!.path}" integrity="${bundle}"></script>
    <script src="${DOCS_ASSETS["init.js"]!.path}" integrity="${init}"></script>
  </body>
</html>
`;
  })();
  return page;
}

const tags = ["Health"];

/** The document itself; workers/app.ts serves it, since it is generated from every router. */
export const openApiDocument = publicRoute({
  method: "get",
  path: "/openapi.json",
  operationId: "getOpenApiDocument",
  tags,
  summary: "This OpenAPI 3.1 document, generated from the route schemas",
  responses: { 200: jsonResponse(z.looseObject({ openapi: z.string() }), "The document") },
});

const apiReference = publicRoute({
  method: "get",
  path: "/docs",
  operationId: "getApiReference",
  tags,
  summary: "The interactive API reference (an HTML page)",
  responses: { 200: { description: "The page", content: { "text/html": { schema: z.string() } } } },
});

const apiReferenceAsset = publicRoute({
  method: "get",
  path: "/docs/{asset}",
  operationId: "getApiReferenceAsset",
  tags,
  summary: "A script or stylesheet of the API reference page",
  request: { params: z.object({ asset: z.string().openapi({ param: { name: "asset", in: "path" }, example: "swagger-ui.css" }) }) },
  responses: {
    200: {
      description: "The file",
      content: { "text/javascript": { schema: z.string() }, "text/css": { schema: z.string() } },
    },
  },
  errors: ["NOT_FOUND"],
});

export const docsRouter = createRouter()
  .openapi(apiReference, async (c) => {
    c.header("Content-Security-Policy", DOCS_CSP);
    c.header("Cache-Control", "no-cache");
    return c.html(await docsPage());
  })
  .openapi(apiReferenceAsset, (c) => {
    const asset = DOCS_ASSETS[c.req.valid("param").asset];
    if (!asset) return c.notFound();
    c.header("Content-Type", asset.type);
    // The files change only with the pinned package version, i.e. with a deploy.
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(asset.body);
  });
