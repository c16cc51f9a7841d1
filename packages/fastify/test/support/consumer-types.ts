/**
 * Test helper: type-checks an application's source against a package's built `dist`, as a
 * consumer's compiler sees it (the import resolved through the package's `exports` map), under
 * `moduleResolution` NodeNext and bundler. The source is held in memory, beside the package.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';

export type ConsumerResolution = 'NodeNext' | 'Bundler';

export interface ConsumerCheck {
  /** The compiler's messages, one line each. */
  readonly diagnostics: string[];
  /** The file the package's import resolved to. */
  readonly resolvedFile: string | undefined;
}

/**
 * `packageDir` is the package's root: the source is placed there, so its own name resolves
 * through its `exports` (self-reference) and its dependencies from its node_modules.
 */
export function checkConsumer(
  packageDir: string,
  packageName: string,
  source: string,
  resolution: ConsumerResolution,
  /** Stricter settings an application may add (`exactOptionalPropertyTypes`). */
  extra: ts.CompilerOptions = {},
): ConsumerCheck {
  const file = join(packageDir, 'consumer-app.ts');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: resolution === 'NodeNext' ? ts.ModuleKind.NodeNext : ts.ModuleKind.ESNext,
    moduleResolution:
      resolution === 'NodeNext'
        ? ts.ModuleResolutionKind.NodeNext
        : ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    // As most applications compile: an unresolved type in a declaration file is then no error
    // of its own, only what it turns into (any) in the application.
    skipLibCheck: true,
    types: ['node'],
    ...extra,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (name === file ? source : readFile(name));
  host.fileExists = (name) => name === file || fileExists(name);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, languageVersion)
      : getSourceFile(name, languageVersion, ...rest);
  // The package's own package.json says the source is ESM (`type: module`).
  const program = ts.createProgram({ rootNames: [file], options, host });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const where = diagnostic.file
      ? `${diagnostic.file.fileName.replace(`${dirname(packageDir)}/`, '')}:${
          diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1
        }`
      : '';
    return `${where} TS${diagnostic.code}: ${text}`;
  });
  const resolvedFile = ts.resolveModuleName(packageName, file, options, host).resolvedModule
    ?.resolvedFileName;
  return { diagnostics, resolvedFile };
}
