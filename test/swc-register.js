// Lets a child process run the TypeScript sources directly (tests only): compiles each .ts file
// with @swc/core as jest does, keeping decorator metadata.
const fs = require('node:fs');
const swc = require('@swc/core');
require.extensions['.ts'] = function compile(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
