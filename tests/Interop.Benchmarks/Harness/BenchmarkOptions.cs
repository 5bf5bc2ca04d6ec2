namespace Interop.Benchmarks.Harness;

/// <summary>The command line of the harness, parsed; <see cref="Parse"/> collects every problem.</summary>
public sealed class BenchmarkOptions
{
    public const string PostgresEnvironmentVariable = "INTEROP_BENCH_POSTGRES";

    public static readonly string[] Scenarios = ["ceiling", "read", "read-own", "search-own", "search", "search-exact", "summary", "summary-system", "crud", "create", "import", "hl7v2", "all", "micro"];

    public string Scenario { get; private set; } = "";
    public int Connections { get; private set; } = 16;
    public int DurationSeconds { get; private set; } = 15;
    public int WarmupSeconds { get; private set; } = 3;
    public string Provider { get; private set; } = "Sqlite";
    public int Patients { get; private set; } = 200;
    public int ResourcesPerPatient { get; private set; } = 100;
    public int ImportWorkers { get; private set; } = 20;
    public int Seed { get; private set; } = 42;

    /// <summary>Leave the database in place at the end (its location is printed), to inspect query plans.</summary>
    public bool KeepDatabase { get; private set; }

    /// <summary><c>on</c>, <c>off</c> or <c>both</c>: whether the gateway enforces consent (Consent:Enforce).</summary>
    public string Consent { get; private set; } = "on";

    /// <summary>Admin connection string of a PostgreSQL server; the harness creates and drops its own database there.</summary>
    public string? PostgresAdminConnection { get; private set; }

    /// <summary>Arguments after <c>micro</c>, handed to BenchmarkDotNet.</summary>
    public string[] MicroArguments { get; private set; } = [];

    public static string Usage =>
        """
        usage: dotnet run -c Release --project tests/Interop.Benchmarks -- SCENARIO [options]
          SCENARIO: ceiling | read | read-own | search-own | search | search-exact | summary | summary-system | crud | create | import | hl7v2 | all
                    | micro [BenchmarkDotNet args]
          --connections N            concurrent HTTP workers (default 16)
          --duration S               measured seconds per scenario (default 15)
          --warmup S                 unmeasured seconds before each scenario (default 3)
          --provider Sqlite|PostgreSql
          --pg "CONNECTION STRING"   PostgreSQL admin connection (or INTEROP_BENCH_POSTGRES)
          --patients P               generated patients loaded before the run (default 200)
          --resources-per-patient R  mean bundle size of the generator (default 100)
          --import-workers W         workers of the import scenario (default 20)
          --consent on|off|both      consent enforcement for read and search (default on)
          --seed N                   generator seed (default 42)
          --keep-database yes        leave the loaded database in place and print where it is
        """;

    public static (BenchmarkOptions? Options, IReadOnlyList<string> Problems) Parse(string[] args)
    {
        var o = new BenchmarkOptions();
        var problems = new List<string>();
        if (args.Length == 0 || !Scenarios.Contains(args[0]))
        {
            problems.Add(args.Length == 0 ? "SCENARIO is missing." : $"Unknown scenario '{args[0]}'.");
            return (null, problems);
        }
        o.Scenario = args[0];
        if (o.Scenario == "micro")
        {
            o.MicroArguments = args[1..];
            return (o, problems);
        }
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            string? value = i + 1 < args.Length ? args[++i] : null;
            if (value is null) { problems.Add($"{name} needs a value."); break; }
            switch (name)
            {
                case "--connections": o.Connections = Positive(name, value, problems); break;
                case "--duration": o.DurationSeconds = Positive(name, value, problems); break;
                case "--warmup": o.WarmupSeconds = NonNegative(name, value, problems); break;
                case "--patients": o.Patients = Positive(name, value, problems); break;
                case "--resources-per-patient": o.ResourcesPerPatient = Positive(name, value, problems); break;
                case "--import-workers": o.ImportWorkers = Positive(name, value, problems); break;
                case "--seed": o.Seed = NonNegative(name, value, problems); break;
                case "--pg": o.PostgresAdminConnection = value; break;
                case "--keep-database":
                    if (value is "yes" or "no") o.KeepDatabase = value == "yes";
                    else problems.Add($"--keep-database must be yes or no, not '{value}'.");
                    break;
                case "--provider":
                    if (value.Equals("Sqlite", StringComparison.OrdinalIgnoreCase)) o.Provider = "Sqlite";
                    else if (value.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase)) o.Provider = "PostgreSql";
                    else problems.Add($"--provider must be Sqlite or PostgreSql, not '{value}'.");
                    break;
                case "--consent":
                    if (value is "on" or "off" or "both") o.Consent = value;
                    else problems.Add($"--consent must be on, off or both, not '{value}'.");
                    break;
                default: problems.Add($"Unknown option '{name}'."); break;
            }
        }
        o.PostgresAdminConnection ??= Environment.GetEnvironmentVariable(PostgresEnvironmentVariable);
        if (o.Provider == "PostgreSql" && string.IsNullOrWhiteSpace(o.PostgresAdminConnection))
            problems.Add($"--provider PostgreSql needs --pg \"CONNECTION STRING\" or {PostgresEnvironmentVariable}.");
        return (problems.Count == 0 ? o : null, problems);
    }

    private static int Positive(string name, string value, List<string> problems)
    {
        if (int.TryParse(value, out var n) && n > 0) return n;
        problems.Add($"{name} must be a positive whole number, not '{value}'.");
        return 1;
    }

    private static int NonNegative(string name, string value, List<string> problems)
    {
        if (int.TryParse(value, out var n) && n >= 0) return n;
        problems.Add($"{name} must be a whole number >= 0, not '{value}'.");
        return 0;
    }
}
