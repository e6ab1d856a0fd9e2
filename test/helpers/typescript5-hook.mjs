// @hey-api/openapi-ts drives the TypeScript compiler's JavaScript API, which TypeScript 7 (the
// native compiler this repository type-checks with) no longer has. The generator alone gets
// TypeScript 5, from its own workspace (test/tools/typescript-5), so its `tsc` never replaces ours.
const typescript5 = new URL('../tools/typescript-5/package.json', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' && context.parentURL?.includes('/@hey-api/'))
    return next(specifier, { ...context, parentURL: typescript5 });
  return next(specifier, context);
}
