import { describe, expect, it } from 'vitest';
import { compileHints } from '../../web/build-plugins.ts';

describe("the browser build's compile hint", () => {
  it("opens every chunk with V8's hint, on its first line, and leaves other files alone", () => {
    const bundle = {
      'assets/index-1.js': { type: 'chunk', code: 'var e=1;export{e as a};' },
      'assets/Thread-1.js': { type: 'chunk', code: '"use strict";import"./index-1.js";' },
      'assets/Thread-1.css': { type: 'asset', source: '.a{color:red}' },
    };
    const plugin = compileHints();
    expect(plugin.apply).toBe('build');
    (plugin.generateBundle as (options: unknown, bundle: unknown) => void)({}, bundle);
    expect(bundle['assets/index-1.js'].code).toBe('//# allFunctionsCalledOnLoad\nvar e=1;export{e as a};');
    // A directive after the comment is still the file's prologue: comments do not count.
    expect(bundle['assets/Thread-1.js'].code.split('\n')).toEqual([
      '//# allFunctionsCalledOnLoad',
      '"use strict";import"./index-1.js";',
    ]);
    expect(bundle['assets/Thread-1.css']).toEqual({ type: 'asset', source: '.a{color:red}' });
  });
});
