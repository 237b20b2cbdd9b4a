// Scaffolds the boilerplate of every Nx project (package.json, tsconfigs, vitest config).
// Idempotent: it never overwrites source files, only the generated config files.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const libs = {
  api: { tags: ['type:api'], deps: [] },
  registry: { tags: ['type:registry'], deps: ['api'] },
  proto: { tags: ['type:contract'], deps: [] },
  telemetry: { tags: ['type:util'], deps: [] },
  storage: { tags: ['type:service'], deps: ['api', 'registry', 'proto', 'telemetry'] },
  auth: { tags: ['type:service'], deps: ['api', 'registry', 'proto', 'telemetry'] },
  admission: { tags: ['type:service'], deps: ['api', 'registry', 'proto', 'telemetry'] },
  gateway: { tags: ['type:service'], deps: ['api', 'registry', 'proto', 'telemetry'] },
  testing: { tags: ['type:testing'], deps: ['api', 'registry', 'proto', 'telemetry'] },
};
const apps = {
  gateway: { name: 'app-gateway', tags: ['type:app'], deps: ['gateway', 'proto', 'telemetry'] },
  auth: { name: 'app-auth', tags: ['type:app'], deps: ['auth', 'proto', 'telemetry'] },
  admission: { name: 'app-admission', tags: ['type:app'], deps: ['admission', 'proto', 'telemetry'] },
  storage: { name: 'app-storage', tags: ['type:app'], deps: ['storage', 'proto', 'telemetry'] },
  portico: { name: 'portico', tags: ['type:app'], deps: ['api', 'registry', 'proto', 'telemetry', 'storage', 'auth', 'admission', 'gateway'] },
  e2e: { name: 'e2e', tags: ['type:e2e'], deps: ['api', 'testing'] },
};

const write = (p, obj) => writeFileSync(p, typeof obj === 'string' ? obj : JSON.stringify(obj, null, 2) + '\n');

const testingUsers = new Set(['storage', 'gateway', 'auth', 'admission', 'portico', 'e2e']);

function project(dir, name, tags, deps, kind) {
  const usesTesting = testingUsers.has(name) && !deps.includes('testing');
  mkdirSync(join(dir, 'src'), { recursive: true });
  const cfg = kind === 'lib' ? 'tsconfig.lib.json' : 'tsconfig.app.json';
  const entry = kind === 'lib' ? 'index' : 'main';
  write(join(dir, 'package.json'), {
    name: `@portico/${name}`,
    version: '0.0.0',
    private: true,
    main: `./dist/${entry}.js`,
    types: `./dist/${entry}.d.ts`,
    exports: {
      '.': { '@portico/source': `./src/${entry}.ts`, types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` },
      './package.json': './package.json',
    },
    dependencies: Object.fromEntries(deps.map((d) => [`@portico/${d}`, '*'])),
    ...(usesTesting ? { devDependencies: { '@portico/testing': '*' } } : {}),
    nx: { tags },
  });
  const rel = (d) => `../../libs/${d}/tsconfig.lib.json`;
  write(join(dir, 'tsconfig.json'), {
    extends: '../../tsconfig.base.json',
    files: [],
    include: [],
    references: [{ path: `./${cfg}` }, { path: './tsconfig.spec.json' }],
  });
  write(join(dir, cfg), {
    extends: '../../tsconfig.base.json',
    compilerOptions: {
      rootDir: 'src',
      outDir: 'dist',
      tsBuildInfoFile: `dist/${cfg.replace('.json', '.tsbuildinfo')}`,
      emitDeclarationOnly: false,
      types: ['node'],
    },
    include: ['src/**/*.ts'],
    exclude: ['src/**/*.spec.ts', 'src/**/*.test.ts'],
    references: deps.map((d) => ({ path: rel(d) })),
  });
  write(join(dir, 'tsconfig.spec.json'), {
    extends: '../../tsconfig.base.json',
    compilerOptions: {
      outDir: './out-tsc/vitest',
      types: ['vitest/globals', 'vitest/importMeta', 'node', 'vitest'],
    },
    include: ['vitest.config.mts', 'src/**/*.spec.ts', 'src/**/*.test.ts', 'src/**/*.d.ts'],
    references: [{ path: `./${cfg}` }, ...(usesTesting ? [{ path: '../../libs/testing/tsconfig.lib.json' }] : [])],
  });
  write(
    join(dir, 'vitest.config.mts'),
    `import { defineProject } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.mjs';

export default defineProject(projectTestConfig(import.meta.dirname, '${name}'));
`,
  );
  if (!existsSync(join(dir, 'src', `${entry}.ts`))) write(join(dir, 'src', `${entry}.ts`), `export {};\n`);
}

for (const [n, l] of Object.entries(libs)) project(join(root, 'libs', n), n, l.tags, l.deps, 'lib');
for (const [n, a] of Object.entries(apps)) project(join(root, 'apps', n), a.name, a.tags, a.deps, 'app');
