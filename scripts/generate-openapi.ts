// Writes the OpenAPI document generated from the Worker's route schemas, for the UI's typed client.
import { writeFileSync } from "node:fs";
import { OPENAPI_INFO, v1 } from "../workers/app";

const doc = v1.getOpenAPI31Document(OPENAPI_INFO);
writeFileSync("pages/src/api/openapi.json", `${JSON.stringify(doc, null, 2)}\n`);
console.log(`pages/src/api/openapi.json: ${Object.keys(doc.paths ?? {}).length} paths`);
