// @ts-check
/**
 * The project's layering, enforced by lint rather than convention (VS Code's `code-layering`,
 * Zulip's `no-restricted-paths` zones). Each top-level area names which project folders and
 * which npm packages it may import. Relative imports are resolved against the importing file,
 * so `../../main/core/x` from `common/` is caught however deep the file sits.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** Packages that only the desktop shell or the browser may load. */
const shellOnly = ['electron'];
const browserOnly = ['react', 'react-dom', 'zustand'];

/**
 * Ordered most specific first. `projects`: folders this area may import from. `packages`: an
 * allow-list (only these), or `deny`: a deny-list. `node`: whether Node built-ins are allowed.
 * @type {Array<{ area: string, projects: string[], packages?: string[], deny?: string[], node: boolean }>}
 */
export const layers = [
  { area: 'common', projects: ['common'], packages: ['zod', 'libphonenumber-js'], node: false },
  {
    area: 'main/core',
    projects: ['common', 'main/core'],
    deny: [...shellOnly, ...browserOnly],
    node: true,
  },
  {
    area: 'main/electron',
    projects: ['common', 'main/core', 'main/electron'],
    deny: browserOnly,
    node: true,
  },
  {
    area: 'main/headless',
    projects: ['common', 'main/core', 'main/headless'],
    deny: [...shellOnly, ...browserOnly],
    node: true,
  },
  { area: 'main', projects: ['common', 'main'], deny: browserOnly, node: true },
  { area: 'preload', projects: ['common', 'preload'], packages: ['electron'], node: false },
  {
    area: 'renderer',
    projects: ['common', 'renderer'],
    packages: ['react', 'react-dom', 'zustand', 'zod', 'libphonenumber-js'],
    node: false,
  },
  {
    area: 'service',
    projects: ['common', 'service'],
    deny: [...shellOnly, ...browserOnly],
    node: true,
  },
  {
    area: 'test',
    projects: ['common', 'main', 'preload', 'renderer', 'service', 'test'],
    deny: [],
    node: true,
  },
  {
    area: 'e2e',
    projects: ['common', 'main', 'preload', 'renderer', 'service', 'test', 'e2e'],
    deny: [],
    node: true,
  },
  {
    area: 'bench',
    projects: ['common', 'main', 'service', 'test', 'bench'],
    deny: [],
    node: true,
  },
  { area: 'tools', projects: ['tools'], deny: [], node: true },
];

/** Test files may also use the shared fakes (`test/`), the stand-in service as a fixture, and vitest. */
const testFile = /\.test\.tsx?$/;

/**
 * Areas whose files are not the product. Everything else is product code, which never loads
 * test support: the shared support lives under `test/` (outside every product area's projects),
 * and a product file may not import a test or a `*.test-support` module that sits beside it.
 */
const notProduct = new Set(['test', 'e2e', 'bench', 'tools']);
const testModule = /\.test(-support)?(\.tsx?)?$/;

/** @param {string} file absolute path */
function areaOf(file) {
  const relative = path.relative(root, file).split(path.sep).join('/');
  return layers.find((layer) => relative === layer.area || relative.startsWith(`${layer.area}/`));
}

/** @param {string} specifier */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** @type {import('eslint').Rule.RuleModule} */
const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports only point to the layers and packages an area may use.' },
    messages: {
      project: "'{{area}}/' may not import from '{{target}}/' (allowed: {{allowed}}).",
      outside: "'{{area}}/' may not import '{{specifier}}': it leaves the project.",
      testSupport:
        "'{{area}}/' may not import '{{specifier}}': product code never loads test support.",
      node: "'{{area}}/' may not import the Node built-in '{{specifier}}'.",
      package: "'{{area}}/' may not import the package '{{name}}'.",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const layer = areaOf(file);
    if (!layer) return {};
    const isTest = testFile.test(file);
    const projects = isTest ? [...layer.projects, 'test', 'service'] : layer.projects;

    /** @param {import('estree').Node} node @param {unknown} value */
    function check(node, value) {
      if (typeof value !== 'string' || !layer) return;
      const specifier = value;
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        const relative = path.relative(root, target).split(path.sep).join('/');
        if (relative.startsWith('..')) {
          context.report({ node, messageId: 'outside', data: { area: layer.area, specifier } });
          return;
        }
        if (!isTest && !notProduct.has(layer.area) && testModule.test(relative)) {
          context.report({ node, messageId: 'testSupport', data: { area: layer.area, specifier } });
          return;
        }
        const allowed = projects.some((p) => relative === p || relative.startsWith(`${p}/`));
        if (!allowed) {
          const targetArea = areaOf(target)?.area ?? relative.split('/')[0] ?? relative;
          context.report({
            node,
            messageId: 'project',
            data: { area: layer.area, target: targetArea, allowed: projects.join(', ') },
          });
        }
        return;
      }
      const name = packageName(specifier);
      if (specifier.startsWith('node:') || builtinModules.includes(name)) {
        if (!layer.node && !(isTest && layer.area !== 'common')) {
          context.report({ node, messageId: 'node', data: { area: layer.area, specifier } });
        }
        return;
      }
      if (isTest && (name === 'vitest' || name.startsWith('@vitest/'))) return;
      const refused = layer.packages ? !layer.packages.includes(name) : layer.deny?.includes(name);
      if (refused) context.report({ node, messageId: 'package', data: { area: layer.area, name } });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        const argument = node.arguments[0];
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          argument?.type === 'Literal'
        ) {
          check(node, argument.value);
        }
      },
    };
  },
};

export default { rules: { layering } };
