using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Interop.Benchmarks.Micro;
using Interop.Benchmarks.Reporting;
using Interop.Benchmarks.Scenarios;

namespace Interop.Benchmarks.Harness;

/// <summary>
/// Runs one scenario or all of them in one session: the ceiling first (in process), then the gateway
/// as a child process on a fresh database loaded with generated data, then each gateway scenario;
/// with <c>--consent both</c>, read, search and search-exact again on a gateway restarted with consent off
/// (each run once unrecorded first, to warm it up). On PostgreSQL the database is vacuumed and analysed
/// before each measured phase (<see cref="BenchDatabase.SettleAsync"/>).
/// </summary>
public static class BenchmarkProgram
{
    private static readonly string[] GatewayScenarios = ["read", "search", "search-exact", "summary", "crud", "create", "import", "hl7v2"];

    /// <summary>Gateway scenarios run only when named (not part of <c>all</c>).</summary>
    private static readonly string[] NamedOnlyScenarios = ["read-own", "search-own", "summary-system"];

    public static async Task<int> RunAsync(string[] args)
    {
        var (options, problems) = BenchmarkOptions.Parse(args);
        if (options is null)
        {
            foreach (var p in problems) Console.Error.WriteLine(p);
            Console.Error.WriteLine(BenchmarkOptions.Usage);
            return 2;
        }
        if (options.Scenario == "micro") return RunMicro(options);

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        var ct = cancel.Token;
#if DEBUG
        Console.WriteLine("WARNING: a Debug build; numbers are only meaningful with -c Release.");
#endif
        PrintConditions(options);
        var results = new List<ScenarioResult>();
        if (options.Scenario is "ceiling" or "all")
        {
            Console.WriteLine("ceiling: in-process minimal endpoint ...");
            results.Add(await CeilingScenario.RunAsync(options, ct));
        }
        var selected = options.Scenario == "all" ? GatewayScenarios : GatewayScenarios.Concat(NamedOnlyScenarios).Where(s => s == options.Scenario).ToArray();
        if (selected.Length > 0) await RunGatewayScenariosAsync(options, selected, results, ct);

        Console.WriteLine();
        Console.WriteLine(ResultTable.Format(results));
        var ratios = ResultTable.ConsentRatios(results);
        if (ratios.Length > 0) Console.WriteLine(ratios);
        return 0;
    }

    private static async Task RunGatewayScenariosAsync(BenchmarkOptions options, string[] selected, List<ScenarioResult> results, CancellationToken ct)
    {
        await using var database = await BenchDatabase.CreateAsync(options);
        database.Keep = options.KeepDatabase;
        var tokens = new BenchTokens();
        var firstConsent = options.Consent == "off" ? "off" : "on";
        Console.WriteLine($"gateway: {database.Description}, consent {firstConsent} ...");
        var gateway = await GatewayProcess.StartAsync(database, tokens, firstConsent == "on", ct);
        try
        {
            LoadedData data;
            using (var operatorClient = BenchSession.CreateClient(gateway.BaseAddress, tokens.Operator(), 8))
            {
                operatorClient.Timeout = TimeSpan.FromMinutes(5);
                Console.WriteLine($"loading {options.Patients} patients (~{options.ResourcesPerPatient} resources each) ...");
                data = await DataLoader.LoadAsync(operatorClient, options, ct);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loaded {data.Bundles - data.FailedBundles}/{data.Bundles} bundles, {data.Resources:N0} resources, {data.PatientIds.Count} patient ids in {data.LoadTime.TotalSeconds:0.0} s ({data.Resources / data.LoadTime.TotalSeconds:N0} resources/s with 4 loaders)"));
            foreach (var error in data.LoadErrors) Console.WriteLine($"  load error: {error}");

            var session = new BenchSession { Options = options, Tokens = tokens, Gateway = gateway, Data = data, Consent = firstConsent };
            await SettleAsync(database, ct);
            foreach (var scenario in selected)
            {
                Console.WriteLine($"{scenario} ({options.Provider}, consent {session.Consent}) ...");
                results.AddRange(await RunAsync(scenario, session, ct));
            }
            if (options.Consent == "both")
            {
                var again = selected.Where(s => s is "read" or "search" or "search-exact").ToArray();
                if (again.Length > 0)
                {
                    await gateway.DisposeAsync();
                    Console.WriteLine("gateway restarted with Consent__Enforce=false ...");
                    gateway = await GatewayProcess.StartAsync(database, tokens, enforceConsent: false, ct);
                    session.Gateway = gateway;
                    session.Consent = "off";
                    await SettleAsync(database, ct);
                    await PrimeAsync(session, ct);
                    // The first gateway had the load (a minute or more of work) to compile its hot paths
                    // before anything was measured; a restarted one has not. Measured straight away, "off"
                    // ran at 2,700 reads/s on PostgreSQL against 7,100 on a gateway of its own. So each
                    // scenario runs once unrecorded first.
                    foreach (var scenario in again)
                    {
                        Console.WriteLine($"{scenario} ({options.Provider}, consent off, warming the restarted gateway, not recorded) ...");
                        await RunAsync(scenario, session, ct);
                    }
                    foreach (var scenario in again)
                    {
                        Console.WriteLine($"{scenario} ({options.Provider}, consent off) ...");
                        results.AddRange(await RunAsync(scenario, session, ct));
                    }
                }
            }
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    private static async Task SettleAsync(BenchDatabase database, CancellationToken ct)
    {
        if (await database.SettleAsync(ct) is { } took)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"VACUUM (ANALYZE) in {took.TotalSeconds:0.0} s"));
    }

    /// <summary>
    /// A restarted gateway's first requests pay for JIT, EF model building and connection pools
    /// (seconds on a busy machine), longer than a warm-up: send a few before measuring.
    /// </summary>
    private static async Task PrimeAsync(BenchSession session, CancellationToken ct)
    {
        using var client = session.Client(session.Tokens.Clinician("user/*.rs"), 2);
        client.Timeout = TimeSpan.FromMinutes(2);
        for (var i = 0; i < 20 && session.Data.PatientIds.Count > 0; i++)
        {
            using var response = await client.GetAsync($"fhir/Patient/{session.Data.PatientIds[i % session.Data.PatientIds.Count]}", ct);
        }
    }

    private static Task<IReadOnlyList<ScenarioResult>> RunAsync(string scenario, BenchSession session, CancellationToken ct) => scenario switch
    {
        "read" => ReadScenario.RunAsync(session, ct),
        "read-own" => ReadOwnScenario.RunAsync(session, ct),
        "search-own" => ReadOwnScenario.RunAsync(session, ct, search: true),
        "search" => SearchScenario.RunAsync(session, ct),
        "search-exact" => ExactSearchScenario.RunAsync(session, ct),
        "create" => CreateScenario.RunAsync(session, ct),
        "summary" => SummaryScenario.RunAsync(session, ct),
        "summary-system" => SummaryScenario.RunAsync(session, ct, system: true),
        "crud" => CrudScenario.RunAsync(session, ct),
        "import" => ImportScenario.RunAsync(session, ct),
        "hl7v2" => Hl7v2Scenario.RunAsync(session, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "not a gateway scenario"),
    };

    private static void PrintConditions(BenchmarkOptions o)
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} CPUs, load average {load}, .NET {Environment.Version}"));
        Console.WriteLine($"scenario {o.Scenario}, provider {o.Provider}, {o.Connections} connections, {o.WarmupSeconds} s warm-up + {o.DurationSeconds} s each, {o.Patients} patients x ~{o.ResourcesPerPatient} resources, consent {o.Consent}");
    }

    /// <summary>BenchmarkDotNet in process (no generated project), so it runs from this build; needs Release.</summary>
    private static int RunMicro(BenchmarkOptions options)
    {
#if DEBUG
        Console.Error.WriteLine("micro needs a Release build: dotnet run -c Release --project tests/Interop.Benchmarks -- micro");
        return 2;
#else
        // ShortRun (3 iterations) keeps the whole set to a few minutes on a shared 2-core machine.
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        BenchmarkSwitcher.FromTypes([typeof(CoreMicroBenchmarks), typeof(AuditMicroBenchmarks), typeof(SummaryMicroBenchmarks)]).Run(options.MicroArguments.Length == 0 ? ["--filter", "*"] : options.MicroArguments, config);
        return 0;
#endif
    }
}
