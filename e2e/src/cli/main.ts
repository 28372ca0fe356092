// Placeholder entry: the CLI is being built.
process.stdout.write('faultline: the CLI is not implemented yet\n');
process.exitCode = 1;
