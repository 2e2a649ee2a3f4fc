process.stderr.write('logsift-bench: commands arrive with the bench harness\n');
process.exitCode = 2;
