/**
 * Module boundaries of the server (issue 12), checked by `npm run lint:deps`:
 * - no import cycle anywhere in server/;
 * - a feature module reaches another only through its public face, `server/modules/<name>/index.ts`;
 * - the layers below the modules (lib, access, content, and the other central folders) import no module.
 * Type-only imports count: a cycle of types is still two modules that cannot change apart.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Dependencies point one way (docs/ARCHITECTURE.md): break the loop with a port, an event, or the base layer.',
      from: { path: '^server/' },
      to: { circular: true },
    },
    {
      name: 'module-public-face',
      severity: 'error',
      comment: 'Import another module through its index.ts only; add what you need to its public face.',
      from: { path: '^server/modules/([^/]+)/' },
      to: { path: '^server/modules/', pathNot: ['^server/modules/$1/', '^server/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-through-public-face',
      severity: 'error',
      comment: 'The app, the CLI, the demo and the workers also reach a module only through its index.ts.',
      from: { path: '^server/', pathNot: '^server/modules/' },
      to: { path: '^server/modules/', pathNot: '^server/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'base-below-modules',
      severity: 'error',
      comment: 'lib, access, the content base layer (and db, http, events) sit below the modules and import none.',
      from: { path: '^server/(lib|access|content|db|http|events)/' },
      to: { path: '^server/modules/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import the cruiser cannot resolve would hide a dependency from the rules above.',
      from: { path: '^server/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.json'],
      // ESM-only packages (typebox, meilisearch, @oslojs/…) resolve through their `exports` field.
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
