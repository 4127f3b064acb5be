/**
 * CLI entry: argv → command → exit code. Placeholder until commands land.
 */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  io.stdout.write(`weave ${argv.join(" ")}\n`);
  return 0;
}
