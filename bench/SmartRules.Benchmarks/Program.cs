using BenchmarkDotNet.Running;

// Run on demand, never from the test command:
//   dotnet run -c Release --project bench/SmartRules.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
