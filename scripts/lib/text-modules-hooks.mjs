import { readFile } from "node:fs/promises";

const TEXT = [/\/swagger-ui-dist\/swagger-ui-bundle\.js$/, /\/swagger-ui-dist\/swagger-ui\.css$/];

export async function load(url, context, nextLoad) {
  if (!TEXT.some((pattern) => pattern.test(url))) return nextLoad(url, context);
  const text = await readFile(new URL(url), "utf8");
  return { format: "module", source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
