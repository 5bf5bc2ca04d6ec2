using Interop.Benchmarks.Harness;

return await BenchmarkProgram.RunAsync(args);
